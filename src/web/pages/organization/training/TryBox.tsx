import { useId, useState } from 'react'
import { useAsk } from '../../../api/knowledge'
import type { AskResult, Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice } from '../../../components/Feedback'
import { TextField } from '../../../components/Field'

/** What answered, how fast, and the passages it used: for whoever wants to know why, behind a toggle. */
function AnswerDetails({ result }: { result: AskResult }) {
  const [open, setOpen] = useState(false)
  const panel = useId()
  return (
    <div>
      <Button variant="ghost" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide details' : 'Details'}
      </Button>
      {open && (
        <div id={panel} className="mt-2 space-y-2" data-testid="try-details">
          <p className="text-xs text-slate-600">
            Answered by {result.model} in {result.latencyMs.toLocaleString('en-US')} ms
          </p>
          {result.passages.length > 0 ? (
            <div>
              <p className="text-sm font-medium">Passages used</p>
              <ol className="mt-1 space-y-2" data-testid="try-passages">
                {result.passages.map((p, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a source can give several passages
                  <li key={`${p.sourceId}-${i}`} className="rounded-md border border-slate-200 p-2 text-sm">
                    <p className="font-medium">
                      {p.title}{' '}
                      <span className="text-xs font-normal text-slate-600">score {p.score.toFixed(2)}</span>
                    </p>
                    <p className="line-clamp-4 whitespace-pre-wrap text-slate-600">{p.content}</p>
                  </li>
                ))}
              </ol>
            </div>
          ) : (
            <p className="text-sm text-slate-600">No passage matched this question.</p>
          )}
        </div>
      )}
    </div>
  )
}

/** Step 3: ask what a customer would, and see the answer they would get. */
export function TryBox({ org }: { org: Organization }) {
  const ask = useAsk(org.id)
  const [question, setQuestion] = useState('')
  return (
    <Card title="3. Try a question">
      <form
        noValidate
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault()
          if (question.trim()) ask.mutate(question)
        }}
      >
        <div className="flex-1">
          <TextField
            id="try-question"
            label="Ask what a customer would ask"
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            placeholder="What time do you open?"
          />
        </div>
        <Button type="submit" busy={ask.isPending} disabled={!question.trim()}>
          Ask
        </Button>
      </form>
      <div className="mt-4 space-y-3" aria-live="polite">
        {ask.isError && <ErrorNotice error={ask.error} title="No answer" />}
        {ask.data && (
          <div className="space-y-2">
            <div className="rounded-lg bg-emerald-50 p-3" data-testid="try-answer">
              <p className="whitespace-pre-wrap text-sm">{ask.data.answer}</p>
              {ask.data.escalate && (
                <p className="mt-2 text-xs text-slate-700">
                  The assistant would hand this conversation over to a person.
                </p>
              )}
            </div>
            <AnswerDetails key={ask.submittedAt} result={ask.data} />
          </div>
        )}
      </div>
    </Card>
  )
}
