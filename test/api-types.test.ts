import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { API_TYPES_FILE, generateApiTypes } from '../scripts/generate-api-types'

describe('the web app’s API types', () => {
  it('match the server’s OpenAPI document', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8')
    const current = await generateApiTypes()
    if (committed !== current) {
      expect.fail(
        'src/web/api/schema.gen.ts is stale (the server’s routes changed): run npm run api:types and commit the file.',
      )
    }
  })
})
