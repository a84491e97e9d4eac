import { useSearchParams } from 'react-router-dom'
import { useBroadcasts } from '../../../api/broadcasts'
import { atLeast, type Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { BroadcastDetail } from './BroadcastDetail'
import { BroadcastList } from './BroadcastList'
import { ComposeBroadcast } from './ComposeBroadcast'

/**
 * Broadcasts: the list, a composer (`?compose=1`, with `&contacts=<id,id…>` when the Contacts tab
 * hands over a selection) and one broadcast's progress (`?broadcast=<id>`). The view lives in the
 * address so the back button and a shared link land on it.
 */
export function BroadcastsTab({ org }: { org: Organization }) {
  const [params, setParams] = useSearchParams()
  const canSend = atLeast(org.role, 'agent')
  const broadcasts = useBroadcasts(org.id)
  const opened = params.get('broadcast')
  const composing = canSend && params.get('compose') === '1'
  const contactIds = (params.get('contacts') ?? '').split(',').filter((id) => id !== '')

  const show = (next: { broadcast?: string; compose?: boolean }) => {
    const p = new URLSearchParams(params)
    p.delete('broadcast')
    p.delete('compose')
    p.delete('contacts')
    if (next.broadcast) p.set('broadcast', next.broadcast)
    if (next.compose) p.set('compose', '1')
    setParams(p)
  }

  if (composing) {
    return (
      <ComposeBroadcast
        org={org}
        contactIds={contactIds}
        onCreated={(b) => show({ broadcast: b.id })}
        onCancel={() => show({})}
      />
    )
  }
  if (opened) return <BroadcastDetail org={org} broadcastId={opened} onBack={() => show({})} />

  return (
    <div className="space-y-4">
      {!canSend && <ReadOnlyNote>Viewers can follow broadcasts; agents and above send them.</ReadOnlyNote>}
      <Card
        title="Broadcasts"
        actions={canSend && <Button onClick={() => show({ compose: true })}>New broadcast</Button>}
      >
        {broadcasts.isPending ? (
          <LoadingBlock label="Loading the broadcasts…" />
        ) : broadcasts.isError ? (
          <ErrorNotice error={broadcasts.error} title="Could not load the broadcasts" />
        ) : (
          <BroadcastList
            broadcasts={broadcasts.data}
            canSend={canSend}
            onOpen={(id) => show({ broadcast: id })}
          />
        )}
      </Card>
    </div>
  )
}
