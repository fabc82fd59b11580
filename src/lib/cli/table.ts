import Table from 'cli-table3'

/** A borderless table in the style of gh and kubectl: header row, aligned columns. */
export function renderTable(head: string[], rows: string[][], style?: (s: string) => string): string {
  const table = new Table({
    head: style ? head.map((h) => style(h)) : head,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  table.push(...rows)
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n')
}
