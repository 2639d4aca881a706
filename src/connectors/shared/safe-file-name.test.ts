import { describe, expect, it } from 'vitest'

import { safeFileName } from './safe-file-name.ts'

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\Desktop\\notes.txt', 'notes.txt'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['line\r\nbreak\u0000.doc', 'linebreak.doc'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['  .hidden.  ', 'hidden'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['Über Café.png', 'Über Café.png'],
    ['..', 'attachment'],
    ['', 'attachment'],
    [undefined, 'attachment'],
    ['///', 'attachment'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected)
  })

  it('uses the given fallback', () => {
    expect(safeFileName('', 'image.png')).toBe('image.png')
  })

  it('keeps the extension while cutting to 255 bytes on character boundaries', () => {
    const long = `${'ü'.repeat(300)}.pdf`
    const safe = safeFileName(long)
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(255)
    expect(safe.endsWith('.pdf')).toBe(true)
    expect(safe).not.toContain('\uFFFD')
    expect(safeFileName('x'.repeat(400))).toHaveLength(255)
  })
})
