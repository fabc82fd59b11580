/**
 * XML for Query-protocol replies. Values are plain objects shaped as the RDS API shapes them; arrays become lists whose
 * element name is the model's member name for that field (`listMemberName`).
 */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlValue[] | {[field: string]: XmlValue}

export const RDS_XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/'

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'})[c] as string)
    // Characters XML 1.0 cannot carry at all (controls, lone surrogates) are dropped rather than producing an unparsable document.
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
}

export function formatTimestamp(date: Date): string {
  return date.toISOString()
}

export function toXml(name: string, value: XmlValue, listMemberName: (field: string) => string): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) {
    const member = listMemberName(name)
    return `<${name}>${value.map((item) => toXml(member, item, listMemberName)).join('')}</${name}>`
  }
  if (value instanceof Date) return `<${name}>${formatTimestamp(value)}</${name}>`
  if (typeof value === 'object') {
    const inner = Object.entries(value).map(([field, v]) => toXml(field, v, listMemberName)).join('')
    return `<${name}>${inner}</${name}>`
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

export function successResponse(action: string, result: Record<string, XmlValue>, requestId: string, listMemberName: (field: string) => string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${RDS_XMLNS}">` +
    toXml(`${action}Result`, result, listMemberName) +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>\n`
}

export function errorResponse(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${RDS_XMLNS}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>\n`
}
