// The app's theme on this device: system (follows the device), light or dark.
// Applied to the whole app as soon as it is picked.
import { THEME_CHOICES, setThemeChoice, useThemeChoice, type ThemeChoice } from '../../app/theme.js';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function ThemePicker() {
  const { choice, theme } = useThemeChoice();
  return (
    <section className="account-card" aria-labelledby="account-theme-heading">
      <h3 id="account-theme-heading">Theme</h3>
      <fieldset className="theme-choices" aria-describedby="account-theme-hint">
        <legend className="visually-hidden">Theme</legend>
        {THEME_CHOICES.map((value) => (
          <label key={value} className={`theme-choice${choice === value ? ' selected' : ''}`}>
            <input
              type="radio"
              name="theme"
              value={value}
              checked={choice === value}
              onChange={() => setThemeChoice(value)}
            />
            {LABELS[value]}
          </label>
        ))}
      </fieldset>
      <p id="account-theme-hint" className="field-hint">
        {choice === 'system'
          ? `Follows this device’s setting (${theme} now).`
          : 'Kept on this device; other devices keep their own.'}
      </p>
    </section>
  );
}
