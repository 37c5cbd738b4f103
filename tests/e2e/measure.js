// Measures a page against the MIIT 2021 适老化 numbers (tests/e2e/test_experience_ux.py):
// text sizes and line heights of visible text, contrast of text on its backdrop, the
// largest "main function" text (buttons, h1, status), and target boxes of controls.
(() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [255, 255, 255, 1];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const backdrop = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const textNodes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (n.textContent.trim() && n.parentElement && visible(n.parentElement)
        && !n.parentElement.closest(".skip, option, script, style, [aria-hidden=true]")) {
      textNodes.push(n.parentElement);
    }
  }
  const els = [...new Set(textNodes)];
  let minText = 1e9, minRatio = 1e9, minContrast = 1e9;
  const lowContrast = [], lowLine = [], smallText = [];
  for (const el of els) {
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    minText = Math.min(minText, size);
    if (size < 18) smallText.push(`${el.tagName}.${el.className}: ${size}`);
    const lh = s.lineHeight === "normal" ? 1.2 * size : parseFloat(s.lineHeight);
    // single-line boxes (buttons, badges) centre their text: the line height of running
    // text is what the rule is about, so measure elements holding more than one line too
    if (lh / size < 1.3) lowLine.push(`${el.tagName}.${el.className}: ${(lh / size).toFixed(2)}`);
    minRatio = Math.min(minRatio, lh / size);
    const fg = parse(s.color), bg = backdrop(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < minContrast) minContrast = ratio;
    if (ratio < 4.5) lowContrast.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
  }
  const functions = [...document.querySelectorAll("main .btn, main h1, .case-status-big strong")].filter(visible);
  const maxFunction = Math.max(0, ...functions.map((e) => parseFloat(getComputedStyle(e).fontSize)));
  // Targets: controls and the links that act as controls (navigation, lists, tables),
  // radios by their label's box; links inside running text are exempt (WCAG 2.5.8).
  const targets = [...document.querySelectorAll(
    "header a, header button, header select, main button, main .btn, main select, main textarea, " +
    "main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main label:has(input[type=radio]), " +
    "main .choice, .links li > a, main table a, .crumbs a, .dash-counts a, .error-summary-list a, " +
    "footer select, footer button"
  )].filter(visible);
  let minTarget = 1e9;
  const small = [];
  const limit = document.documentElement.classList.contains("elder") ? 60 : 44;
  for (const t of targets) {
    const r = t.getBoundingClientRect();
    const side = Math.min(r.width, r.height);
    minTarget = Math.min(minTarget, side);
    if (side < limit) small.push(`${t.tagName}.${t.className} "${(t.innerText || t.value || "").slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return {
    body_font_px: parseFloat(getComputedStyle(document.body).fontSize),
    min_text_px: minText,
    min_line_height_ratio: Math.round(minRatio * 100) / 100,
    min_contrast: Math.round(minContrast * 100) / 100,
    low_contrast: lowContrast.slice(0, 10),
    low_line_height: lowLine.slice(0, 10),
    small_text: [...new Set(smallText)].slice(0, 10),
    max_function_px: maxFunction,
    min_target: Math.round(minTarget),
    targets: targets.length,
    small_targets: small.slice(0, 15),
    dialogs: document.querySelectorAll("dialog[open], [role=dialog], [role=alertdialog]").length,
  };
})()
