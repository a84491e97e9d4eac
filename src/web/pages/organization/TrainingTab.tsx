import { useKnowledge } from '../../api/knowledge'
import { atLeast, type Organization } from '../../api/types'
import { ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../components/Feedback'
import { FilesCard } from './training/FilesCard'
import { ProfileForm } from './training/ProfileForm'
import { SourceList } from './training/SourceList'
import { TrainingCard } from './training/TrainingCard'
import { TryBox } from './training/TryBox'

/** AI Training, in the order of the work: add knowledge, train, try a question. */
export function TrainingTab({ org }: { org: Organization }) {
  const knowledge = useKnowledge(org.id)
  const canEdit = atLeast(org.role, 'admin')
  if (knowledge.isPending) return <LoadingBlock label="Loading knowledge…" lines={6} />
  if (knowledge.isError)
    return <ErrorNotice error={knowledge.error} title="Could not load the knowledge base" />
  const { sources } = knowledge.data
  const profile = sources.find((s) => s.kind === 'profile')
  return (
    <div className="space-y-4">
      {!canEdit && (
        <ReadOnlyNote>Only owners and admins change the knowledge and train the assistant.</ReadOnlyNote>
      )}
      <section className="space-y-4" aria-labelledby="training-step-knowledge">
        <h2 id="training-step-knowledge" className="text-lg font-semibold">
          1. Add what your assistant should know
        </h2>
        <ProfileForm org={org} profile={profile} canEdit={canEdit} />
        <SourceList
          org={org}
          kind="faq"
          sources={sources.filter((s) => s.kind === 'faq')}
          canEdit={canEdit}
        />
        <SourceList
          org={org}
          kind="text"
          sources={sources.filter((s) => s.kind === 'text')}
          canEdit={canEdit}
        />
        <FilesCard org={org} files={sources.filter((s) => s.kind === 'file')} canEdit={canEdit} />
      </section>
      <TrainingCard org={org} knowledge={knowledge.data} />
      <TryBox org={org} />
    </div>
  )
}
