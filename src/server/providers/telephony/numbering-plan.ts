import { createHash } from 'node:crypto'
import { E164 } from '../../../shared/phone.js'
import type { NumberType } from './types.js'

// Enough of the world's numbering plans to hand out numbers that are valid E.164 for their
// country: every ISO 3166-1 alpha-2 code with its calling code, plus prefixes and lengths per
// number type for the countries people ask for most. Other countries get a plausible default.

/** ISO alpha-2 → country calling code (NANP members carry their area code, e.g. JM → 1876). */
const CALLING_CODES: Record<string, string> = Object.fromEntries(
  `AD376 AE971 AF93 AG1268 AI1264 AL355 AM374 AO244 AQ672 AR54 AS1684 AT43 AU61 AW297 AX358 AZ994
   BA387 BB1246 BD880 BE32 BF226 BG359 BH973 BI257 BJ229 BL590 BM1441 BN673 BO591 BQ599 BR55 BS1242
   BT975 BV47 BW267 BY375 BZ501 CA1 CC61 CD243 CF236 CG242 CH41 CI225 CK682 CL56 CM237 CN86 CO57
   CR506 CU53 CV238 CW599 CX61 CY357 CZ420 DE49 DJ253 DK45 DM1767 DO1809 DZ213 EC593 EE372 EG20
   EH212 ER291 ES34 ET251 FI358 FJ679 FK500 FM691 FO298 FR33 GA241 GB44 GD1473 GE995 GF594 GG44
   GH233 GI350 GL299 GM220 GN224 GP590 GQ240 GR30 GS500 GT502 GU1671 GW245 GY592 HK852 HM672 HN504
   HR385 HT509 HU36 ID62 IE353 IL972 IM44 IN91 IO246 IQ964 IR98 IS354 IT39 JE44 JM1876 JO962 JP81
   KE254 KG996 KH855 KI686 KM269 KN1869 KP850 KR82 KW965 KY1345 KZ7 LA856 LB961 LC1758 LI423 LK94
   LR231 LS266 LT370 LU352 LV371 LY218 MA212 MC377 MD373 ME382 MF590 MG261 MH692 MK389 ML223 MM95
   MN976 MO853 MP1670 MQ596 MR222 MS1664 MT356 MU230 MV960 MW265 MX52 MY60 MZ258 NA264 NC687 NE227
   NF672 NG234 NI505 NL31 NO47 NP977 NR674 NU683 NZ64 OM968 PA507 PE51 PF689 PG675 PH63 PK92 PL48
   PM508 PN64 PR1787 PS970 PT351 PW680 PY595 QA974 RE262 RO40 RS381 RU7 RW250 SA966 SB677 SC248
   SD249 SE46 SG65 SH290 SI386 SJ47 SK421 SL232 SM378 SN221 SO252 SR597 SS211 ST239 SV503 SX1721
   SY963 SZ268 TC1649 TD235 TF262 TG228 TH66 TJ992 TK690 TL670 TM993 TN216 TO676 TR90 TT1868 TV688
   TW886 TZ255 UA380 UG256 UM1 US1 UY598 UZ998 VA39 VC1784 VE58 VG1284 VI1340 VN84 VU678 WF681 WS685
   XK383 YE967 YT262 ZA27 ZM260 ZW263`
    .split(/\s+/)
    .filter(Boolean)
    .map((e) => [e.slice(0, 2), e.slice(2)]),
)

interface Block {
  /** National digits every number of this block starts with. */
  prefix: string
  /** National significant number length (digits after the calling code). */
  length: number
  /** Digits allowed right after the prefix (NANP exchanges cannot start with 0 or 1). */
  next?: string
  locality?: string
  region?: string
}

type Plan = Record<NumberType, Block[]>

const blocks = (length: number, prefixes: string[], next?: string): Block[] =>
  prefixes.map((prefix) => ({ prefix, length, next }))

const NXX = '23456789'

/** City blocks: [area prefix, city, region] rows sharing a length and next-digit rule. */
const cities = (length: number, next: string, rows: [string, string, string][]): Block[] =>
  rows.map(([prefix, locality, region]) => ({ prefix, length, next, locality, region }))

const US: Plan = {
  local: cities(10, NXX, [
    ['415', 'San Francisco', 'CA'],
    ['212', 'New York', 'NY'],
    ['312', 'Chicago', 'IL'],
    ['213', 'Los Angeles', 'CA'],
    ['617', 'Boston', 'MA'],
    ['305', 'Miami', 'FL'],
    ['206', 'Seattle', 'WA'],
    ['512', 'Austin', 'TX'],
  ]),
  mobile: blocks(10, ['332', '628', '786', '737'], NXX),
  tollFree: blocks(10, ['800', '833', '844', '855', '866', '877', '888'], NXX),
}

const PLANS: Record<string, Plan> = {
  US,
  CA: {
    local: cities(10, NXX, [
      ['416', 'Toronto', 'ON'],
      ['604', 'Vancouver', 'BC'],
      ['514', 'Montreal', 'QC'],
      ['613', 'Ottawa', 'ON'],
    ]),
    mobile: blocks(10, ['437', '236', '438'], NXX),
    tollFree: blocks(10, ['800', '833', '844', '855', '866', '877', '888'], NXX),
  },
  GB: {
    local: [
      { prefix: '20', length: 10, next: '378', locality: 'London' },
      { prefix: '121', length: 10, next: '2345', locality: 'Birmingham' },
      { prefix: '161', length: 10, next: '2345', locality: 'Manchester' },
      { prefix: '131', length: 10, next: '2345', locality: 'Edinburgh' },
    ],
    mobile: blocks(10, ['74', '75', '77', '78', '79']),
    tollFree: blocks(10, ['800']),
  },
  FR: {
    local: blocks(9, ['1', '2', '3', '4', '5']),
    mobile: blocks(9, ['6', '7']),
    tollFree: blocks(9, ['80']),
  },
  DE: {
    local: [
      { prefix: '30', length: 10, next: '2345678', locality: 'Berlin' },
      { prefix: '40', length: 10, next: '2345678', locality: 'Hamburg' },
      { prefix: '89', length: 10, next: '2345678', locality: 'München' },
    ],
    mobile: blocks(11, ['151', '152', '160', '170', '171', '176']),
    tollFree: blocks(10, ['800']),
  },
  RW: {
    local: [{ prefix: '252', length: 9, locality: 'Kigali' }],
    mobile: blocks(9, ['78', '79', '72', '73']),
    tollFree: blocks(9, ['800']),
  },
  BR: {
    local: cities(10, '2345', [
      ['11', 'São Paulo', 'SP'],
      ['21', 'Rio de Janeiro', 'RJ'],
      ['31', 'Belo Horizonte', 'MG'],
      ['61', 'Brasília', 'DF'],
    ]),
    mobile: blocks(11, ['119', '219', '319', '619']),
    tollFree: blocks(10, ['800']),
  },
  IN: {
    local: [
      { prefix: '11', length: 10, next: '2346', locality: 'Delhi' },
      { prefix: '22', length: 10, next: '2346', locality: 'Mumbai' },
      { prefix: '80', length: 10, next: '2346', locality: 'Bengaluru' },
    ],
    mobile: blocks(10, ['98', '99', '97', '70', '81', '62']),
    tollFree: blocks(11, ['1800']),
  },
  MX: {
    local: blocks(10, ['55', '33', '81'], NXX),
    mobile: blocks(10, ['222', '442', '664'], NXX),
    tollFree: blocks(10, ['800']),
  },
  AU: {
    local: blocks(9, ['2', '3', '7', '8'], '89'),
    mobile: blocks(9, ['4']),
    tollFree: blocks(10, ['1800']),
  },
  NG: {
    local: [{ prefix: '1', length: 8, next: '2345789', locality: 'Lagos' }],
    mobile: blocks(10, ['803', '806', '813', '816', '703', '903']),
    tollFree: blocks(10, ['800']),
  },
  KE: {
    local: [{ prefix: '20', length: 9, next: '2345', locality: 'Nairobi' }],
    mobile: blocks(9, ['7', '110']),
    tollFree: blocks(9, ['800']),
  },
  ZA: {
    local: blocks(9, ['11', '21', '31'], '2345'),
    mobile: blocks(9, ['60', '71', '72', '73', '74', '76', '79', '82', '83', '84']),
    tollFree: blocks(9, ['800']),
  },
  ES: {
    local: blocks(9, ['91', '93']),
    mobile: blocks(9, ['6', '7'], '01234'),
    tollFree: blocks(9, ['900']),
  },
  IT: {
    local: blocks(10, ['02', '06']),
    mobile: blocks(10, ['3']),
    tollFree: blocks(9, ['800']),
  },
  NL: {
    local: blocks(9, ['20', '10', '70']),
    mobile: blocks(9, ['6'], '12345'),
    tollFree: blocks(10, ['800']),
  },
}

function defaultPlan(callingCode: string): Plan {
  if (callingCode.startsWith('1')) {
    // NANP member with its own area code: seven subscriber digits after it.
    const length = 11 - callingCode.length
    return {
      local: blocks(length, ['2', '4'], '23456789'),
      mobile: blocks(length, ['5', '7'], '23456789'),
      tollFree: blocks(length, ['8'], '0'),
    }
  }
  return { local: blocks(9, ['2', '3']), mobile: blocks(9, ['7', '9']), tollFree: blocks(9, ['800']) }
}

export function callingCode(country: string): string | undefined {
  return CALLING_CODES[country.toUpperCase()]
}

export function planFor(country: string): { callingCode: string; plan: Plan } | undefined {
  const iso = country.toUpperCase()
  const code = CALLING_CODES[iso]
  if (!code) return undefined
  // Territories without a plan of their own that share +1 without an area code follow the US plan.
  const plan = PLANS[iso] ?? (code === '1' ? US : defaultPlan(code))
  return { callingCode: code, plan }
}

export interface PlannedNumber {
  phoneNumber: string
  isoCountry: string
  type: NumberType
  locality?: string
  region?: string
}

/** Letter → digit on a phone keypad. */
const KEYPAD: Record<string, string> = Object.fromEntries(
  ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'].flatMap((letters, i) =>
    [...letters].map((letter) => [letter, String(i + 2)]),
  ),
)

/** Twilio's `Contains` pattern (digits, letters on a keypad, `*` for any digit) as a regex source over digits. */
export function containsPattern(contains: string, callingCode: string): string[] | undefined {
  let c = contains.trim()
  if (c === '') return undefined
  if (c.startsWith('+')) {
    c = c.slice(1)
    if (c.startsWith(callingCode)) c = c.slice(callingCode.length)
  }
  const out: string[] = []
  for (const ch of c.toLowerCase()) {
    const digit = /[0-9*]/.test(ch) ? ch : KEYPAD[ch]
    if (digit === undefined) return []
    out.push(digit)
  }
  return out
}

const digitStream = (seed: string) => {
  let buf: Buffer = Buffer.alloc(0)
  let pos = 0
  let round = 0
  return () => {
    if (pos >= buf.length) {
      buf = createHash('sha256').update(`${seed}#${round++}`).digest()
      pos = 0
    }
    return buf.readUInt8(pos++)
  }
}

/**
 * The deterministic inventory for one query: the same arguments always give the same list.
 * `contains` places the pattern inside the national number; no placement fits → empty list.
 */
export function plannedNumbers(q: {
  country: string
  type: NumberType
  contains?: string
  count: number
  /** Varies the inventory without changing its shape (the fake Twilio uses it). */
  salt?: string
}): PlannedNumber[] {
  const found = planFor(q.country)
  if (!found) return []
  const iso = q.country.toUpperCase()
  const { callingCode: cc, plan } = found
  const list = plan[q.type]
  const pattern = q.contains ? containsPattern(q.contains, cc) : undefined
  if (pattern && pattern.length === 0) return []
  // Every (block, offset) where the pattern agrees with the block's fixed prefix and first digit rule.
  const placements: { block: Block; offset: number }[] = []
  for (const block of list) {
    if (!pattern) {
      placements.push({ block, offset: -1 })
      continue
    }
    for (let offset = 0; offset + pattern.length <= block.length; offset++) {
      let ok = true
      for (const [k, p] of pattern.entries()) {
        if (!ok) break
        const at = offset + k
        if (p === '*') continue
        if (at < block.prefix.length) ok = block.prefix[at] === p
        else if (at === block.prefix.length && block.next) ok = block.next.includes(p)
      }
      if (ok) placements.push({ block, offset })
    }
  }
  if (placements.length === 0) return []
  const seen = new Set<string>()
  const out: PlannedNumber[] = []
  for (let i = 0; out.length < q.count && i < q.count * 20; i++) {
    const placement = placements[i % placements.length]
    if (!placement) break
    const { block, offset } = placement
    const next = digitStream(
      `${q.salt ?? ''}|${iso}|${q.type}|${block.prefix}|${offset}|${q.contains ?? ''}|${i}`,
    )
    const digits = block.prefix.split('')
    while (digits.length < block.length) {
      if (digits.length === block.prefix.length && block.next)
        digits.push(block.next.charAt(next() % block.next.length))
      else digits.push(String(next() % 10))
    }
    if (pattern && offset >= 0) {
      pattern.forEach((p, k) => {
        if (p !== '*' && offset + k >= block.prefix.length) digits[offset + k] = p
      })
    }
    const phoneNumber = `+${cc}${digits.join('')}`
    if (seen.has(phoneNumber)) continue
    seen.add(phoneNumber)
    out.push({ phoneNumber, isoCountry: iso, type: q.type, locality: block.locality, region: block.region })
  }
  return out
}

/** Whether an E.164 number has the shape of some block of some country's plan; returns that country and type. */
export function classifyNumber(e164: string): { isoCountry: string; type: NumberType } | undefined {
  if (!E164.test(e164)) return undefined
  const digits = e164.slice(1)
  for (const iso of Object.keys(CALLING_CODES)) {
    const found = planFor(iso)
    if (!found || !digits.startsWith(found.callingCode)) continue
    const national = digits.slice(found.callingCode.length)
    for (const type of ['local', 'mobile', 'tollFree'] as const) {
      for (const block of found.plan[type]) {
        if (national.length !== block.length || !national.startsWith(block.prefix)) continue
        if (block.next && !block.next.includes(national.charAt(block.prefix.length))) continue
        return { isoCountry: iso, type }
      }
    }
  }
  return undefined
}

/** Twilio's friendly name: "(415) 555-0123" in North America, E.164 elsewhere. */
export function friendlyName(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164)
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164
}
