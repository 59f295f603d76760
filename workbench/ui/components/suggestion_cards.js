// Browser half of workbench/ui/components/suggestion_cards.py (st.components.v2).
//
// Security: each card arrives as data ([start, end, quote, why]) and is written only with
// textContent and setAttribute; nothing from data reaches innerHTML.
//
// Lifecycle (Streamlit 1.67): this function runs again whenever `data` changes, with the
// same parentElement; only the cleanup returned by the last call runs (on unmount). So
// per-list state lives in a WeakMap, the click listener is attached once, and the cards
// are rebuilt only when they or the marked one changed.

const STATES = new WeakMap();

function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = String(text);
  return p;
}

function choiceButton(label, accept) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = accept ? "wb-accept" : "wb-dismiss";
  button.setAttribute("data-accept", accept ? "true" : "false");
  button.textContent = label;
  return button;
}

function card([start, end, quote, why], rank, marked, count) {
  const item = document.createElement("li");
  item.className = "wb-suggestion";
  item.setAttribute("data-start", String(start));
  item.setAttribute("data-end", String(end));
  if (rank === marked && count > 1) {
    item.classList.add("wb-marked");
    item.setAttribute("aria-current", "true");
    item.append(paragraph("wb-mark", `Marked ${rank + 1} of ${count}`));
  }
  const buttons = document.createElement("div");
  buttons.className = "wb-suggestion-buttons";
  buttons.append(choiceButton("Accept", true), choiceButton("Not check-worthy", false));
  item.append(paragraph("wb-quote", quote), paragraph("wb-why", why), buttons);
  return item;
}

function isCard(value) {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    Number.isSafeInteger(value[0]) &&
    Number.isSafeInteger(value[1])
  );
}

export default function ({ data, parentElement, setTriggerValue }) {
  const list = parentElement.querySelector(".wb-suggestions");
  if (!list) return undefined;
  let st = STATES.get(list);
  if (!st) {
    st = { signature: null };
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-accept]");
      const item = button ? button.closest("li[data-start]") : null;
      if (!item) return;
      st.setTriggerValue("chosen", {
        start: Number(item.getAttribute("data-start")),
        end: Number(item.getAttribute("data-end")),
        accept: button.getAttribute("data-accept") === "true",
      });
    });
    st.cleanup = () => STATES.delete(list);
    STATES.set(list, st);
  }
  st.setTriggerValue = setTriggerValue;
  const cards = Array.isArray(data?.cards) ? data.cards.filter(isCard) : [];
  const marked = Number.isSafeInteger(data?.marked) ? data.marked : 0;
  const signature = JSON.stringify([cards, marked]);
  if (signature !== st.signature) {
    list.replaceChildren(...cards.map((c, rank) => card(c, rank, marked, cards.length)));
    st.signature = signature;
  }
  return st.cleanup;
}
