import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { Composer, PROMPT_PLACEHOLDER, SHELL_ENHANCE_OFF } from './Composer.js';

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

describe('Composer commands and enhance', () => {
  it('runs a slash command chosen with the keyboard and shows what it said', async () => {
    const ran: string[] = [];
    await render(
      <Composer
        onSubmit={async () => true}
        commands={[
          { name: 'pin', description: 'Pin', run: () => void ran.push('pin') },
          { name: 'private', description: 'Private', run: () => (ran.push('private'), 'Now private.') },
        ]}
      />,
    );
    const box = page.getByRole('textbox', { name: 'Message' });
    await userEvent.click(box);
    await userEvent.keyboard('/p{ArrowDown}{Enter}');
    await expect.element(page.getByRole('status')).toHaveTextContent('Now private.');
    expect(ran).toEqual(['private']);
    await expect.element(box).toHaveValue('');
  });

  it('restores the exact original with Ctrl+Z after Ctrl+E, and keeps it when enhancing fails', async () => {
    let fail = false;
    await render(
      <Composer
        onSubmit={async () => true}
        enhance={async (t) => {
          if (fail) throw new Error('No runner answered.');
          return { text: `Please: ${t.trim()}` };
        }}
      />,
    );
    const box = page.getByRole('textbox', { name: 'Message' });
    await expect.element(page.getByRole('button', { name: 'Enhance prompt' })).toBeDisabled();
    await userEvent.fill(box, '  two  spaces ');
    await userEvent.keyboard('{Control>}e{/Control}');
    await expect.element(box).toHaveValue('Please: two  spaces');
    await userEvent.keyboard('{Control>}z{/Control}');
    await expect.element(box).toHaveValue('  two  spaces ');
    fail = true;
    await userEvent.keyboard('{Control>}e{/Control}');
    await expect.element(page.getByRole('alert')).toHaveTextContent('No runner answered.');
    await expect.element(box).toHaveValue('  two  spaces ');
  });

  it('keeps the text and says so when the enhancer found nothing to add', async () => {
    const note = 'Found nothing to add: nothing in the workspace matches the prompt. Your text is unchanged.';
    await render(<Composer onSubmit={async () => true} enhance={async (t) => ({ text: t, note })} />);
    const box = page.getByRole('textbox', { name: 'Message' });
    await userEvent.fill(box, 'what is the weather');
    await userEvent.click(page.getByRole('button', { name: 'Enhance prompt' }));
    await expect.element(page.getByRole('status')).toHaveTextContent(note);
    await expect.element(box).toHaveValue('what is the weather');
    // Typing on clears the note.
    await userEvent.type(box, '?');
    await expect.element(page.getByRole('status')).not.toBeInTheDocument();
  });

  it('is off for the Shell Expert: the button is disabled with the reason, and Ctrl+E does nothing', async () => {
    const asked: string[] = [];
    await render(
      <Composer
        onSubmit={async () => true}
        enhance={async (t) => (asked.push(t), { text: `Please: ${t}` })}
        enhanceOff={SHELL_ENHANCE_OFF}
      />,
    );
    const box = page.getByRole('textbox', { name: 'Message' });
    await userEvent.fill(box, 'ls -la');
    const button = page.getByRole('button', { name: 'Enhance prompt' });
    await expect.element(button).toBeDisabled();
    await expect.element(button).toHaveAttribute('title', 'the Shell Expert runs your text as a command');
    await userEvent.keyboard('{Control>}e{/Control}');
    await expect.element(box).toHaveValue('ls -la');
    expect(asked).toEqual([]);
  });
});
