// Light and dark themes. app.css follows the system (prefers-color-scheme); a merchant's own choice, kept in
// localStorage, switches every `@media (prefers-color-scheme: dark)` block of the style sheet on or off, so
// the colours stay defined in one place.
export type Theme = 'system' | 'light' | 'dark';
const kKey = 'rapport.theme';
const kDarkQuery = '(prefers-color-scheme: dark)';
// The style sheet's dark blocks, remembered once their media text has been changed.
const darkRules = new WeakSet<CSSMediaRule>();

export function currentTheme(): Theme {
  try {
    const v = localStorage.getItem(kKey);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme = currentTheme(), store = false): void {
  if (store) {
    try {
      if (theme === 'system') localStorage.removeItem(kKey);
      else localStorage.setItem(kKey, theme);
    } catch { /* storage disabled: the choice lasts for this page */ }
  }
  const media = theme === 'dark' ? 'all' : theme === 'light' ? 'not all' : kDarkQuery;
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue;
    }
    for (const rule of Array.from(rules)) {
      if (!(rule instanceof CSSMediaRule)) continue;
      if (rule.media.mediaText.includes('prefers-color-scheme: dark')) darkRules.add(rule);
      if (darkRules.has(rule)) rule.media.mediaText = media;
    }
  }
  document.documentElement.style.colorScheme = theme === 'system' ? '' : theme;
  document.documentElement.dataset.theme = theme;
}
