import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './env.js'
import { validationHook } from './errors.js'

/** Every route module builds its router here, so validation errors all share one shape. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

export const jsonBody = <T>(schema: T, description = '') => ({
  content: { 'application/json': { schema } },
  description,
  required: true,
})

export const jsonResponse = <T>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})
