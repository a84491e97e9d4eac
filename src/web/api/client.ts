/** One field error from the API's `details` list. */
export interface FieldError {
  path: string
  message: string
}

/** An error answer from the API: `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** Field errors (`details[].path/message`), when the API sent them. */
  get fieldErrors(): FieldError[] {
    if (!Array.isArray(this.details)) return []
    return this.details.filter(
      (d): d is FieldError => typeof d === 'object' && d !== null && 'path' in d && 'message' in d,
    )
  }

  /** The first message for a field (exact path, or a path under it). */
  fieldError(path: string): string | undefined {
    const hit =
      this.fieldErrors.find((f) => f.path === path) ??
      this.fieldErrors.find((f) => f.path.startsWith(`${path}.`))
    return hit?.message
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined
  }
  const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error
  if (err && typeof err.message === 'string') {
    return new ApiError(res.status, err.code ?? 'ERROR', err.message, err.details)
  }
  // better-auth answers { code, message } without the wrapper.
  const flat = body as { code?: string; message?: string } | undefined
  if (flat && typeof flat.message === 'string') {
    return new ApiError(res.status, flat.code ?? 'ERROR', flat.message)
  }
  return new ApiError(res.status, 'HTTP_ERROR', `Request failed (${res.status} ${res.statusText})`)
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** JSON fetch against our API; throws ApiError for any non-2xx answer. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  let body: BodyInit | undefined
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(path, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check your connection and try again.')
  }
  if (!res.ok) throw await toApiError(res)
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/**
 * Multipart upload with progress (fetch has no upload progress): XMLHttpRequest's
 * `upload.onprogress` reports the bytes sent.
 */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Upload failed: could not reach the server.'))
    xhr.onload = () => {
      let body: unknown
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        body = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve(body as T)
        return
      }
      const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
        ?.error
      reject(
        new ApiError(
          xhr.status,
          err?.code ?? 'HTTP_ERROR',
          err?.message ?? `Upload failed (${xhr.status})`,
          err?.details,
        ),
      )
    }
    xhr.send(form)
  })
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error) return error.message
  return 'Something went wrong'
}
