import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { Composer, PROMPT_PLACEHOLDER } from './Composer.js';

describe('Composer', () => {
  it('sends on Enter, keeps a new line on Shift+Enter, and clears once sent', async () => {
    const sent: string[] = [];
    await render(<Composer onSubmit={async (t) => (sent.push(t), true)} />);
    const box = page.getByPlaceholder(PROMPT_PLACEHOLDER);
    await userEvent.click(box);
    await userEvent.keyboard('first line{Shift>}{Enter}{/Shift}second line');
    await expect.element(box).toHaveValue('first line\nsecond line');
    expect(sent).toEqual([]);
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => sent).toEqual(['first line\nsecond line']);
    await expect.element(box).toHaveValue('');
  });

  it('keeps the text when sending fails', async () => {
    await render(<Composer onSubmit={async () => false} />);
    const box = page.getByRole('textbox', { name: 'Message' });
    await userEvent.fill(box, 'do not lose me');
    await userEvent.keyboard('{Enter}');
    await expect.element(box).toHaveValue('do not lose me');
  });

  it('does not send blank text, and says why it is disabled', async () => {
    const sent: string[] = [];
    await render(
      <Composer
        onSubmit={async (t) => (sent.push(t), true)}
        disabled
        disabledReason="This session is archived."
      />,
    );
    await expect.element(page.getByPlaceholder('This session is archived.')).toBeDisabled();
    expect(sent).toEqual([]);
  });
});
