// Browser half of workbench/ui/components/claim_buttons.py (st.components.v2).
//
// Security: each claim arrives as data ([id, label, statement]) and is written only with
// textContent and setAttribute; nothing from data reaches innerHTML.
//
// Lifecycle (Streamlit 1.67): this function runs again whenever `data` changes, with the
// same parentElement; only the cleanup returned by the last call runs (on unmount). So
// per-list state lives in a WeakMap, the click listener is attached once, and the list
// is rebuilt only when the claims changed.

const STATES = new WeakMap();

function claimButton([id, label, statement]) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "wb-claim";
  button.setAttribute("data-claim-id", String(id));
  const tag = document.createElement("span");
  tag.className = "wb-claim-label";
  tag.textContent = String(label);
  const text = document.createElement("span");
  text.className = "wb-claim-statement";
  text.textContent = String(statement);
  button.append(tag, " — ", text);
  const item = document.createElement("li");
  item.append(button);
  return item;
}

function isClaim(claim) {
  return Array.isArray(claim) && claim.length === 3 && Number.isSafeInteger(claim[0]);
}

export default function ({ data, parentElement, setTriggerValue }) {
  const list = parentElement.querySelector(".wb-claims");
  if (!list) return undefined;
  let st = STATES.get(list);
  if (!st) {
    st = { signature: null };
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-claim-id]");
      const id = button ? Number(button.getAttribute("data-claim-id")) : NaN;
      if (Number.isSafeInteger(id)) st.setTriggerValue("opened", id);
    });
    st.cleanup = () => STATES.delete(list);
    STATES.set(list, st);
  }
  st.setTriggerValue = setTriggerValue;
  const claims = Array.isArray(data?.claims) ? data.claims.filter(isClaim) : [];
  const signature = JSON.stringify(claims);
  if (signature !== st.signature) {
    list.replaceChildren(...claims.map(claimButton));
    st.signature = signature;
  }
  return st.cleanup;
}
