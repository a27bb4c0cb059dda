// Mermaid diagrams: a ```mermaid block is stored as <pre class="mermaid">SOURCE</pre>
// (decisions.markdown.parser), readable as text without JavaScript. This module loads the
// vendored Mermaid only on a page that has such a block, draws each one, and keeps the source
// one click away under "Diagram source".
//
// The site's Content-Security-Policy has no 'unsafe-inline' for styles, and Mermaid styles its
// SVG with a <style> element and style="" attributes, which that policy blocks. So while Mermaid
// draws, its <style> element is replaced by a constructed stylesheet (document.adoptedStyleSheets,
// which the policy allows: only script from this site can make one) and style attributes are
// set through the CSSOM (element.style), as the policy also allows. No nonce is needed, so the
// whole-page cache can keep serving the same bytes to everyone.

const MERMAID = new URL("vendor/mermaid-12.3.0/mermaid.esm.min.mjs", import.meta.url);
const STYLE_TAG = "mermaid-style"; // an inert element standing where Mermaid asked for <style>
const adopted = new Map(); // css text -> constructed sheet, so redrawing adds no duplicates
let mermaidReady = null;
let counter = 0;

function adoptStyles(cssText) {
  if (!cssText || adopted.has(cssText)) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(cssText);
  adopted.set(cssText, sheet);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

// A stand-in for a <style> element: what is written into it becomes an adopted stylesheet.
function styleSink(doc) {
  const sink = Document.prototype.createElement.call(doc, STYLE_TAG);
  for (const property of ["innerHTML", "textContent", "innerText"]) {
    Object.defineProperty(sink, property, {
      configurable: true,
      get: () => "",
      set: (value) => adoptStyles(String(value)),
    });
  }
  return sink;
}

// Run `work` with style elements and style attributes routed through the CSSOM. Mermaid draws
// in a hidden element of the page, measuring its text, so the styles must apply while it works.
async function withCspSafeStyles(work) {
  const { createElement, createElementNS } = Document.prototype;
  const { setAttribute, setAttributeNS } = Element.prototype;
  const { parseFromString } = DOMParser.prototype;
  DOMParser.prototype.parseFromString = function (markup, type) {
    return parseFromString.call(this, renameStyleAttributes(markup), type);
  };
  Document.prototype.createElement = function (tag, options) {
    if (String(tag).toLowerCase() === "style") return styleSink(this);
    return createElement.call(this, tag, options);
  };
  Document.prototype.createElementNS = function (ns, tag, options) {
    if (String(tag).toLowerCase() === "style") return styleSink(this);
    return createElementNS.call(this, ns, tag, options);
  };
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "style" && this.style) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
  Element.prototype.setAttributeNS = function (ns, name, value) {
    if (!ns && String(name).toLowerCase() === "style" && this.style) {
      this.style.cssText = String(value);
      return;
    }
    setAttributeNS.call(this, ns, name, value);
  };
  try {
    return await work();
  } finally {
    Object.assign(Document.prototype, { createElement, createElementNS });
    Object.assign(Element.prototype, { setAttribute, setAttributeNS });
    Object.assign(DOMParser.prototype, { parseFromString });
  }
}

// Markup parsed from a string (Mermaid's own sanitizing of labels and of the finished SVG with
// DOMPurify, and the SVG it hands back) is subject to the page's policy too, so each style=""
// attribute in it is renamed before parsing and moved to the CSSOM once the node is in place.
// Only attribute names inside a tag are renamed: text has its "<" escaped, so cannot match.
const STYLE_ATTRIBUTE = /(<[^<>]*?\s)style(\s*=)/gi;
const STYLE_DATA = "data-mermaid-style";

function renameStyleAttributes(markup) {
  return String(markup).replace(STYLE_ATTRIBUTE, `$1${STYLE_DATA}$2`);
}

function applyRenamedStyles(root) {
  for (const element of [root, ...root.querySelectorAll(`[${STYLE_DATA}]`)]) {
    const css = element.getAttribute(STYLE_DATA);
    if (css === null) continue;
    element.removeAttribute(STYLE_DATA);
    if (element.style) element.style.cssText = css;
  }
}

// Mermaid's answer is SVG markup: its <style> becomes an adopted sheet and its style attributes
// are applied through the CSSOM, so the page's policy never sees inline style.
function svgFromMarkup(markup) {
  const parsed = new DOMParser().parseFromString(`<div>${renameStyleAttributes(markup)}</div>`, "text/html");
  const svg = parsed.querySelector("svg");
  if (!svg) throw new Error("Mermaid returned no drawing");
  for (const style of svg.querySelectorAll(`style, ${STYLE_TAG}`)) {
    adoptStyles(style.textContent);
    style.remove();
  }
  const live = document.importNode(svg, true);
  applyRenamedStyles(live);
  return live;
}

function siteTheme() {
  const css = getComputedStyle(document.documentElement);
  const value = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const font = getComputedStyle(document.body).fontFamily;
  return {
    startOnLoad: false,
    securityLevel: "strict", // labels are sanitized, no click handlers or links run script
    suppressErrorRendering: true, // a syntax error is said in words beside the source instead
    theme: "base",
    fontFamily: font,
    // Labels as SVG text, not HTML in a foreignObject: what a label says stays text.
    htmlLabels: false,
    flowchart: { htmlLabels: false },
    sequence: { diagramMarginX: 8, diagramMarginY: 8 }, // the box has its own padding
    themeVariables: {
      fontFamily: font,
      background: value("--paper", "#ffffff"),
      primaryColor: value("--info-bg", "#dbeafe"),
      primaryTextColor: value("--ink", "#1d2430"),
      primaryBorderColor: value("--brand", "#24408e"),
      secondaryColor: value("--ok-bg", "#dcfce7"),
      tertiaryColor: value("--soft", "#f4f6f9"),
      lineColor: value("--muted", "#535e6c"),
      textColor: value("--ink", "#1d2430"),
      noteBkgColor: value("--warn-bg", "#fef3c7"),
      noteTextColor: value("--ink", "#1d2430"),
    },
  };
}

function loadMermaid() {
  mermaidReady ??= import(MERMAID).then(({ default: mermaid }) => {
    mermaid.initialize(siteTheme());
    return mermaid;
  });
  return mermaidReady;
}

function describe(svg) {
  const kind = (svg.getAttribute("aria-roledescription") || "diagram").replace(/-v\d+$/, "");
  const title = svg.querySelector(":scope > title")?.textContent.trim();
  svg.setAttribute("role", "img");
  svg.removeAttribute("aria-labelledby");
  svg.setAttribute(
    "aria-label",
    `${title || `Diagram (${kind})`}; its source is under “Diagram source” below.`,
  );
}

function sourceDetails(source) {
  const details = document.createElement("details");
  details.className = "diagram-source";
  const summary = document.createElement("summary");
  summary.textContent = "Diagram source";
  const pre = document.createElement("pre");
  pre.tabIndex = 0;
  const code = document.createElement("code");
  code.textContent = source;
  pre.append(code);
  details.append(summary, pre);
  return details;
}

async function draw(block, mermaid) {
  const source = block.textContent;
  block.dataset.diagram = "drawing";
  counter += 1;
  try {
    const { svg } = await withCspSafeStyles(() => mermaid.render(`mermaid-diagram-${counter}`, source));
    const drawing = svgFromMarkup(svg);
    describe(drawing);
    // Mermaid scales a drawing down to the page's width; below three quarters of its size the
    // words get too small to read, so from there the box scrolls instead (a phone, 390 px).
    const natural = drawing.viewBox?.baseVal?.width;
    if (natural) drawing.style.minWidth = `${Math.round(natural * 0.75)}px`;
    block.replaceChildren(drawing);
    block.classList.add("diagram");
    block.after(sourceDetails(source));
    block.dataset.diagram = "drawn";
  } catch (error) {
    block.dataset.diagram = "failed";
    const note = document.createElement("p");
    note.className = "diagram-problem";
    const message = String(error?.message || error).split("\n")[0];
    note.textContent = `This diagram could not be drawn (${message}); its source is shown above.`;
    block.after(note);
  }
}

async function drawAll() {
  const blocks = [...document.querySelectorAll("pre.mermaid:not([data-diagram])")];
  if (!blocks.length) return;
  const mermaid = await loadMermaid();
  // One at a time: Mermaid keeps render state between calls.
  for (const block of blocks) await draw(block, mermaid);
}

drawAll();
// Previews swapped in by htmx (a new RFC, a record's fields) may hold diagrams too.
// (The whole page is searched: an outerHTML swap leaves event.target out of the document.)
document.addEventListener("htmx:afterSettle", () => drawAll());
