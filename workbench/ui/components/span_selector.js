// Browser half of workbench/ui/components/span_selector.py (st.components.v2).
//
// Security: the article arrives as data and is written only through text nodes
// (createTextNode / textContent / setAttribute); nothing from data reaches innerHTML.
//
// Offsets: Python counts code points, JavaScript strings count UTF-16 units.
// Every offset crossing the boundary goes through the tables built by
// unitTables(), so emoji, flags and other astral characters never shift a span.
//
// Lifecycle (Streamlit 1.67): this function runs again whenever `data` changes,
// with the same parentElement, and only the cleanup returned by the LAST call
// runs (on unmount). So per-container state lives in a WeakMap, listeners are
// attached once, and every call returns the same cleanup.
//
// Adjusting a claim's span: after a click on a claim (the URL selects it), Shift+Arrow
// moves its end one word right or left and Alt+Shift+Arrow its start. The new span is
// drawn at once and sent, as the "adjusted" trigger, when Shift is let go; Python snaps
// it to whole words again and saves it with the claim's version.
//
// Suggested claims (data.suggestions: offsets in code points, score, readable reasons) are
// drawn with a dotted underline and a hover title. A click (or Enter) on one opens a small
// choice beside it; "Accept" or "Not check-worthy" sends the "suggestion" trigger with the
// sentence's offsets, and Python checks them against the suggestions it sent before it
// writes. All of it is text: textContent and setAttribute, never markup.
//
// The body arrives only when this browser session has not been sent it yet;
// otherwise `data.body` is null and `data.digest` names it. This module is loaded
// once per page (Streamlit imports it from one blob URL), so BODIES outlives a
// component that unmounts and mounts again (another page and back). A digest with
// no body here fires the "missing" trigger, and Python sends the body again.

const COLOUR_RE = /^#[0-9a-fA-F]{6}$/;
const STATES = new WeakMap();
const BODIES = new Map(); // digest -> body, least recently used first
const KEEP_BODIES = 8;

function bodyFor(data) {
  // The body named by data.digest: the one sent with data, or one kept from before.
  const digest = typeof data?.digest === "string" ? data.digest : "";
  const body = typeof data?.body === "string" ? data.body : BODIES.get(digest);
  if (typeof body !== "string") return { digest, body: null };
  BODIES.delete(digest); // re-insert: most recently used last
  BODIES.set(digest, body);
  for (const old of BODIES.keys()) {
    if (BODIES.size <= KEEP_BODIES) break;
    BODIES.delete(old);
  }
  return { digest, body };
}

function unitTables(body) {
  // cpToUnit[i]: UTF-16 index where code point i starts (plus one past the end).
  // unitToCp[u]: code point index of the boundary at UTF-16 index u; a boundary
  // inside a surrogate pair (which a browser should never report) rounds up.
  const cpToUnit = [];
  const unitToCp = new Uint32Array(body.length + 1);
  let unit = 0;
  let cp = 0;
  for (const ch of body) {
    cpToUnit.push(unit);
    unitToCp[unit] = cp;
    if (ch.length === 2) unitToCp[unit + 1] = cp + 1;
    unit += ch.length;
    cp += 1;
  }
  cpToUnit.push(unit);
  unitToCp[unit] = cp;
  return { cpToUnit, unitToCp };
}

function isIndex(value, max) {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}

function toUnitHighlights(highlights, cpToUnit) {
  // Re-validate even though Python already did: this is the last stop before the DOM.
  const cpCount = cpToUnit.length - 1;
  const out = [];
  for (const h of highlights) {
    if (!h || !isIndex(h.start, cpCount) || !isIndex(h.end, cpCount) || h.start >= h.end) continue;
    out.push({
      start: cpToUnit[h.start],
      end: cpToUnit[h.end],
      colour: typeof h.colour === "string" && COLOUR_RE.test(h.colour) ? h.colour : null,
      label: typeof h.label === "string" ? h.label : "",
      claimId: Number.isSafeInteger(h.claim_id) ? h.claim_id : null,
      proposed: h.proposed === true,
    });
  }
  return out;
}

function toUnitSuggestions(suggestions, cpToUnit) {
  // Like toUnitHighlights: only well-formed, non-empty spans inside the body, as text.
  const cpCount = cpToUnit.length - 1;
  const out = [];
  for (const s of Array.isArray(suggestions) ? suggestions : []) {
    if (!s || !isIndex(s.start, cpCount) || !isIndex(s.end, cpCount) || s.start >= s.end) continue;
    const reasons = Array.isArray(s.reasons) ? s.reasons.filter((r) => typeof r === "string") : [];
    out.push({
      start: cpToUnit[s.start],
      end: cpToUnit[s.end],
      cpStart: s.start,
      cpEnd: s.end,
      score: Number.isFinite(s.score) ? s.score : null,
      reasons,
    });
  }
  return out;
}

function suggestionText(suggestion) {
  // What the hover title and the choice say: plain text, shown with textContent.
  const score = suggestion.score === null ? "" : ` · score ${suggestion.score.toFixed(2)}`;
  const lines = [`Suggested claim${score}`];
  if (suggestion.reasons.length) lines.push(`Why: ${suggestion.reasons.join("; ")}`);
  return lines.join("\n");
}

function readableTextColour(hex) {
  // Black or white text, whichever stays legible on the highlight in light and dark themes.
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return luminance > 0.35 ? "#000000" : "#ffffff";
}

function makeMark(text, covering) {
  // The shortest covering highlight is the most specific one: it gives colour and click target.
  const main = covering.reduce((a, b) => (b.end - b.start < a.end - a.start ? b : a));
  const mark = document.createElement("mark");
  mark.appendChild(document.createTextNode(text));
  if (main.colour) {
    mark.style.backgroundColor = main.colour;
    mark.style.color = readableTextColour(main.colour);
  }
  const labels = covering.map((h) => h.label).filter((label) => label !== "");
  if (labels.length) mark.setAttribute("title", labels.join("\n"));
  if (main.claimId !== null) {
    mark.setAttribute("data-claim-id", String(main.claimId));
    mark.setAttribute("tabindex", "0");
  }
  if (covering.length > 1) mark.classList.add("wb-overlap");
  if (main.proposed) mark.classList.add("wb-proposed");
  return mark;
}

function markSuggested(node, index, suggestion) {
  // A suggested sentence (or the part of it between highlights): underlined, with its
  // score and reasons as the hover title, reachable from the keyboard.
  node.classList.add("wb-suggested");
  node.setAttribute("data-suggestion", String(index));
  const title = node.getAttribute("title");
  const hint = `${suggestionText(suggestion)}\nClick to accept or dismiss it.`;
  node.setAttribute("title", title ? `${title}\n${hint}` : hint);
  if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "0");
}

function segmentNode(text, covering, suggested, index) {
  // The node for one stretch of text: a mark under highlights, a span under a suggestion
  // alone, else plain text.
  let node;
  if (covering.length) node = makeMark(text, covering);
  else if (suggested) {
    node = document.createElement("span");
    node.appendChild(document.createTextNode(text));
  } else return document.createTextNode(text);
  if (suggested) markSuggested(node, index, suggested);
  return node;
}

function segments(lineStart, lineEnd, sortedCuts, highlights, suggestions) {
  // The stretches of one line between cuts, with the highlights covering each and the
  // index of the suggestion under it (-1: none).
  const points = [lineStart, ...sortedCuts.filter((c) => c > lineStart && c < lineEnd), lineEnd];
  const found = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    if (from === to) continue;
    const covering = highlights.filter((h) => h.start <= from && h.end >= to);
    const index = suggestions.findIndex((x) => x.start <= from && x.end >= to);
    found.push({ from, to, covering, index });
  }
  return found;
}

function lineSignature(parts, suggestions) {
  // Everything a line's nodes are drawn from: equal signatures, identical nodes.
  return JSON.stringify(
    parts.map(({ from, to, covering, index }) => [
      from,
      to,
      covering.map((h) => [h.start, h.end, h.colour, h.label, h.claimId, h.proposed]),
      index,
      index < 0 ? null : suggestionText(suggestions[index]),
    ]),
  );
}

function drawLine(st, body, lineStart, lineEnd, parts, suggestions) {
  // One block per line so dir="auto" picks LTR/RTL per paragraph (Arabic, Hebrew).
  const para = document.createElement("div");
  para.className = "wb-p";
  para.setAttribute("dir", "auto");
  st.starts.set(para, lineStart);
  st.ends.set(para, lineEnd);
  for (const { from, to, covering, index } of parts) {
    const node = segmentNode(body.slice(from, to), covering, suggestions[index], index);
    st.starts.set(node, from);
    st.ends.set(node, to);
    if (node.firstChild) {
      st.starts.set(node.firstChild, from);
      st.ends.set(node.firstChild, to);
    }
    para.appendChild(node);
  }
  return para;
}

function render(st, body, rawHighlights) {
  // Draw the body with its highlights and suggestions. Over the same body only the lines
  // whose highlights or suggestions changed are drawn again: a new claim changes one or
  // two lines, and redrawing all of a 7,000-word article made the browser lay it out anew.
  const sameBody = st.body === body && st.lines !== undefined;
  const { cpToUnit, unitToCp } = sameBody ? st : unitTables(body);
  const highlights = toUnitHighlights(rawHighlights, cpToUnit);
  const suggestions = toUnitSuggestions(st.rawSuggestions, cpToUnit);
  if (!sameBody) {
    // Every DOM node we create records the UTF-16 range it covers, so a selection
    // boundary (node, offset) maps to a body index without walking the tree.
    Object.assign(st, { starts: new WeakMap(), ends: new WeakMap(), lines: new Map() });
  }
  const cuts = new Set([0, body.length]);
  for (const h of [...highlights, ...suggestions]) {
    cuts.add(h.start);
    cuts.add(h.end);
  }
  const sortedCuts = [...cuts].sort((a, b) => a - b);

  const fragment = document.createDocumentFragment();
  let lineStart = 0;
  while (lineStart <= body.length) {
    const newline = body.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? body.length : newline;
    const parts = segments(lineStart, lineEnd, sortedCuts, highlights, suggestions);
    const signature = lineSignature(parts, suggestions);
    const drawn = st.lines.get(lineStart);
    if (!drawn || drawn.signature !== signature) {
      const para = drawLine(st, body, lineStart, lineEnd, parts, suggestions);
      if (drawn) drawn.para.replaceWith(para);
      else fragment.appendChild(para);
      st.lines.set(lineStart, { signature, para });
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  if (!sameBody) st.container.replaceChildren(fragment);
  st.starts.set(st.container, 0);
  st.ends.set(st.container, body.length);
  Object.assign(st, { body, cpToUnit, unitToCp, suggestions,
                      selectedId: undefined, cps: Array.from(body) });
  closeChoice(st);
}

function boundaryToUnit(st, node, offset) {
  // Map a DOM boundary point to a UTF-16 index into the body, clamping points
  // outside the article to its start or end. Returns null when unrelated.
  const { container, starts, ends, body } = st;
  if (node.nodeType === Node.TEXT_NODE && starts.has(node)) return starts.get(node) + offset;
  if (starts.has(node)) {
    const child = node.childNodes[offset];
    return child && starts.has(child) ? starts.get(child) : ends.get(node);
  }
  // Outside the article: compare with the container, or with the shadow host when
  // the boundary lies in the light DOM (a selection that starts above the component).
  const root = container.getRootNode();
  const ref = root === node.getRootNode() ? container : root.host;
  if (!ref) return null;
  const position = ref.compareDocumentPosition(node);
  if (position & Node.DOCUMENT_POSITION_CONTAINS) {
    let child = ref;
    while (child.parentNode !== node) child = child.parentNode;
    return offset <= Array.prototype.indexOf.call(node.childNodes, child) ? 0 : body.length;
  }
  if (position & Node.DOCUMENT_POSITION_PRECEDING) return 0;
  if (position & Node.DOCUMENT_POSITION_FOLLOWING) return body.length;
  return null;
}

function currentRange(root) {
  // Inside a shadow root document.getSelection() reports the host, not our nodes:
  // getComposedRanges (Chromium 137+, Firefox, Safari) or the older non-standard
  // ShadowRoot.getSelection (Chromium) see into it.
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  if (root instanceof ShadowRoot) {
    if (typeof selection.getComposedRanges === "function") {
      let ranges;
      try {
        ranges = selection.getComposedRanges({ shadowRoots: [root] });
      } catch {
        ranges = selection.getComposedRanges(root); // Safari 17 takes the roots as arguments
      }
      return ranges.length ? ranges[0] : null;
    }
    if (typeof root.getSelection === "function") {
      const inner = root.getSelection();
      return inner && inner.rangeCount ? inner.getRangeAt(0) : null;
    }
  }
  return selection.getRangeAt(0);
}

function selectionValue(st) {
  const range = currentRange(st.root);
  if (!range || range.collapsed) return null;
  const a = boundaryToUnit(st, range.startContainer, range.startOffset);
  const b = boundaryToUnit(st, range.endContainer, range.endOffset);
  if (a === null || b === null) return null;
  const clamp = (u) => Math.max(0, Math.min(u, st.body.length));
  const start = st.unitToCp[clamp(a)];
  const end = st.unitToCp[clamp(b)];
  if (start >= end) return null;
  return { start, end, text: st.body.slice(st.cpToUnit[start], st.cpToUnit[end]) };
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isWord(cps, i) {
  return i >= 0 && i < cps.length && WORD_CHAR.test(cps[i]);
}

function moveEdge(cps, span, edge, direction) {
  // The span (code points) with one edge moved a whole word; unchanged when the span
  // would become empty or leave the body.
  let i = edge === "end" ? span.end : span.start;
  const n = cps.length;
  if (edge === "end" && direction > 0) {
    while (i < n && !isWord(cps, i)) i += 1; // to the next word, then past it
    while (i < n && isWord(cps, i)) i += 1;
  } else if (edge === "end") {
    while (i > 0 && isWord(cps, i - 1)) i -= 1; // to the start of the last word,
    while (i > 0 && !isWord(cps, i - 1)) i -= 1; // then to the end of the one before
  } else if (direction < 0) {
    while (i > 0 && !isWord(cps, i - 1)) i -= 1; // to the previous word, then its start
    while (i > 0 && isWord(cps, i - 1)) i -= 1;
  } else {
    while (i < n && isWord(cps, i)) i += 1; // past the first word, then to the next one
    while (i < n && !isWord(cps, i)) i += 1;
  }
  const moved = edge === "end" ? { ...span, end: i } : { ...span, start: i };
  return moved.start < moved.end ? moved : span;
}

function adjustableClaim(st) {
  // The selected claim's own span (not a proposed place) while adjusting is allowed.
  if (!st.adjustable || st.selectedId == null) return null;
  const id = Number(st.selectedId);
  return st.highlights.find((h) => h.claim_id === id && !h.proposed) || null;
}

function adjustSpan(st, event) {
  // Shift+Arrow: move the selected claim's end; Alt+Shift+Arrow: its start.
  if (!event.shiftKey || event.ctrlKey || event.metaKey) return;
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
  const range = currentRange(st.root);
  if (range && !range.collapsed) return; // extending a text selection, as browsers do
  const claim = adjustableClaim(st);
  if (!claim) return;
  event.preventDefault();
  if (!st.adjusting || st.adjusting.claimId !== claim.claim_id) {
    st.adjusting = { claimId: claim.claim_id, from: claim, start: claim.start, end: claim.end };
  }
  const moved = moveEdge(st.cps, st.adjusting, event.altKey ? "start" : "end",
                         event.key === "ArrowRight" ? 1 : -1);
  Object.assign(st.adjusting, { start: moved.start, end: moved.end });
  redraw(st, st.highlights.map((h) => (h === claim ? { ...h, ...moved } : h)));
}

function redraw(st, highlights) {
  // Draw `highlights` over the same body, keeping the selected claim marked and the
  // keyboard focus in the article (the old nodes, the focused mark among them, are gone).
  const selected = st.selectedId;
  render(st, st.body, highlights);
  showSelectedClaim(st, selected == null ? null : Number(selected));
  st.container.focus({ preventScroll: true });
}

function sendAdjusted(st) {
  // Send the moved span, and draw what Python sent until Python answers: the saved span
  // then arrives as new data, while a refused save changes no data and so would leave
  // the preview standing.
  const adjusting = st.adjusting;
  st.adjusting = null;
  if (!adjusting) return;
  redraw(st, st.highlights);
  if (adjusting.start === adjusting.from.start && adjusting.end === adjusting.from.end) return;
  const { cpToUnit } = st;
  st.setTriggerValue("adjusted", {
    claim_id: adjusting.claimId,
    start: adjusting.start,
    end: adjusting.end,
    text: st.body.slice(cpToUnit[adjusting.start], cpToUnit[adjusting.end]),
  });
}

function signature(value) {
  return value ? `${value.start}:${value.end}` : "";
}

function report(st) {
  // Send only changes: every setStateValue costs a script rerun.
  const value = selectionValue(st);
  const sig = signature(value);
  if (sig === st.lastSent) return;
  st.lastSent = sig;
  st.setStateValue("selection", value);
}

function clickMark(st, target) {
  // A claim's highlight selects the claim; a suggested sentence opens its choice.
  const element = target instanceof Element ? target : null;
  const mark = element ? element.closest("mark[data-claim-id]") : null;
  const suggested = element ? element.closest("[data-suggestion]") : null;
  const range = currentRange(st.root);
  if (range && !range.collapsed) return; // the end of a drag, not a click
  if (mark && st.container.contains(mark)) {
    const claimId = Number(mark.getAttribute("data-claim-id"));
    if (Number.isSafeInteger(claimId)) st.setTriggerValue("clicked", claimId);
  } else if (suggested && st.container.contains(suggested)) {
    openChoice(st, Number(suggested.getAttribute("data-suggestion")), suggested);
    return;
  }
  closeChoice(st);
}

function openChoice(st, index, anchor) {
  // Show Accept / Not check-worthy for suggestion `index` just below `anchor`.
  const suggestion = st.suggestions[index];
  if (!suggestion || !st.choice) return;
  Object.assign(st, { choiceIndex: index, choiceAnchor: anchor });
  st.choice.querySelector(".wb-choice-text").textContent = suggestionText(suggestion);
  st.choice.hidden = false;
  const frame = st.choice.offsetParent || st.container;
  const box = anchor.getBoundingClientRect();
  const origin = frame.getBoundingClientRect();
  const left = Math.max(0, Math.min(box.left - origin.left, origin.width - st.choice.offsetWidth));
  st.choice.style.left = `${left}px`;
  st.choice.style.top = `${box.bottom - origin.top + frame.scrollTop + 4}px`;
  st.choice.scrollIntoView({ block: "nearest" }); // below a sentence at the box's edge
  st.choice.querySelector(".wb-accept").focus({ preventScroll: true });
}

function closeChoice(st) {
  if (!st.choice) return;
  st.choice.hidden = true;
  Object.assign(st, { choiceIndex: null, choiceAnchor: null });
}

function dismissChoice(st) {
  // Close without choosing, back on the sentence for the keyboard.
  const anchor = st.choiceAnchor;
  closeChoice(st);
  if (anchor && anchor.isConnected) anchor.focus({ preventScroll: true });
}

function choose(st, accept) {
  // Send the open suggestion's offsets (code points) and the choice; Python re-checks them,
  // and the rerun draws the sentence as a claim (or greyed, dismissed).
  const suggestion = st.suggestions[st.choiceIndex];
  closeChoice(st);
  if (suggestion) {
    st.setTriggerValue("suggestion", { start: suggestion.cpStart, end: suggestion.cpEnd, accept });
  }
}

function listenToChoice(st) {
  // The choice box is static markup beside the article (span_selector.py's _HTML).
  const { choice } = st;
  if (!choice) return;
  choice.querySelector(".wb-accept").addEventListener("click", () => choose(st, true));
  choice.querySelector(".wb-dismiss").addEventListener("click", () => choose(st, false));
  choice.querySelector(".wb-close").addEventListener("click", () => dismissChoice(st));
  choice.addEventListener("keydown", (event) => {
    if (event.key === "Escape") dismissChoice(st);
  });
}

function createState(container, root) {
  const st = { container, root, lastSent: "", pointerInside: false, suggestions: [],
               choice: root.querySelector(".wb-choice"), choiceIndex: null, choiceAnchor: null };
  listenToChoice(st);
  const onDocumentMouseUp = (event) => {
    // A drag that starts in the article may end outside it; other clicks on the
    // page (e.g. a "save claim" button) must not clear the selection Python holds.
    const inside = st.pointerInside || event.composedPath().includes(container);
    st.pointerInside = false;
    if (inside) report(st);
  };
  container.addEventListener("mousedown", () => {
    st.pointerInside = true;
  });
  container.addEventListener("keyup", (event) => {
    if (event.key === "Shift") sendAdjusted(st);
    report(st);
  });
  container.addEventListener("click", (event) => clickMark(st, event.target));
  container.addEventListener("keydown", (event) => {
    if (event.key === "Enter") clickMark(st, event.target);
    if (event.key === "Escape") dismissChoice(st);
    adjustSpan(st, event);
  });
  document.addEventListener("mouseup", onDocumentMouseUp);
  st.cleanup = () => {
    document.removeEventListener("mouseup", onDocumentMouseUp);
    STATES.delete(container);
  };
  return st;
}

function showSelectedClaim(st, claimId) {
  const id = Number.isSafeInteger(claimId) ? String(claimId) : null;
  let first = null;
  for (const mark of st.container.querySelectorAll("mark[data-claim-id]")) {
    const on = mark.getAttribute("data-claim-id") === id;
    mark.classList.toggle("wb-selected", on);
    if (on && !first) first = mark;
  }
  // Scroll only when the selected claim changes, never on unrelated reruns; and in the
  // next frame: scrolling now would lay the page out in the middle of the run's updates
  // (a new claim's panel is still being built), and again when they are done.
  if (first && st.selectedId !== id) {
    requestAnimationFrame(() => first.scrollIntoView({ block: "nearest" }));
  }
  st.selectedId = id;
}

export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
  const container = parentElement.querySelector(".wb-article");
  if (!container) return undefined;
  let st = STATES.get(container);
  if (!st) {
    st = createState(container, parentElement);
    STATES.set(container, st);
  }
  Object.assign(st, { setStateValue, setTriggerValue });

  const { digest, body } = bodyFor(data);
  if (body === null) {
    // Not sent, not kept: ask for it (the trigger's rerun brings it) and show
    // nothing stale meanwhile.
    st.container.replaceChildren();
    Object.assign(st, { contentSig: null, body: undefined, lines: undefined });
    setTriggerValue("missing", digest);
    return st.cleanup;
  }
  const highlights = Array.isArray(data?.highlights) ? data.highlights : [];
  st.highlights = highlights; // code points, as Python sent them
  st.rawSuggestions = Array.isArray(data?.suggestions) ? data.suggestions : [];
  st.adjustable = data?.adjustable === true;
  const contentSig = JSON.stringify([digest, highlights, st.rawSuggestions]);
  // Rebuilding the DOM would drop the user's live selection, so only do it when
  // the text or the highlights really changed.
  if (contentSig !== st.contentSig) {
    render(st, body, highlights);
    st.contentSig = contentSig;
  }
  // The server echoes the selection it holds; if Python cleared it, the same
  // span must be sendable again.
  st.lastSent = signature(data?.selection);
  showSelectedClaim(st, data?.selected_claim_id);
  return st.cleanup;
}
