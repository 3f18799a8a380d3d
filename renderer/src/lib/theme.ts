// Light and dark themes: follow the OS unless the user picked one (remembered in this browser).
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'shoebox-theme';

export function loadThemeChoice(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function saveThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
}

export function systemTheme(): 'light' | 'dark' {
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(choice: ThemeChoice): 'light' | 'dark' {
  const theme = choice === 'system' ? systemTheme() : choice;
  document.documentElement.dataset.theme = theme;
  return theme;
}
