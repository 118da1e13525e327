// Command output shown inside markdown (the shell Expert's reply) as an
// indented code block. A fenced block ends wherever the output prints a
// fence of its own, and whatever follows is markdown again: headings, links,
// images fetched from any address. Every line of an indented block starts
// with four spaces, so nothing the output prints can end it early.
const INDENT = '    ';

export interface TextStream {
  push(chunk: string): void;
  /** Ends the block with a line break; what is written after it is markdown again. */
  end(): void;
}

/** Writes streamed text on as the lines of an indented code block. */
export function indentedCodeBlock(write: (markdown: string) => void): TextStream {
  let atLineStart = true;
  let afterCarriageReturn = false;
  return {
    push(chunk) {
      let text = chunk;
      // Markdown ends lines at \r and \r\n as well as \n; each must start an indented line.
      if (afterCarriageReturn && text.startsWith('\n')) text = text.slice(1);
      if (!text) return;
      afterCarriageReturn = text.endsWith('\r');
      text = text.replace(/\r\n?/g, '\n');
      write((atLineStart ? INDENT : '') + text.replace(/\n(?!$)/g, `\n${INDENT}`));
      atLineStart = text.endsWith('\n');
    },
    end() {
      if (!atLineStart) write('\n');
      atLineStart = true;
      afterCarriageReturn = false;
    },
  };
}
