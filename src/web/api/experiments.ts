import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import { orgKeys } from './organizations'
import type { components } from './schema.gen'
import type { BodyOf, ResponseOf } from './types'

type Schemas = components['schemas']

export type Experiment = Schemas['Experiment']
export type ExperimentVariant = Experiment['variants'][number]
export type VariantSettings = ExperimentVariant['settings']
/** GET …/experiments/{eid}: the experiment, each variant with its results. */
export type ExperimentDetail = ResponseOf<'/api/organizations/{id}/experiments/{eid}', 'get'>['experiment']
export type VariantWithResults = NonNullable<Schemas['ExperimentWithResults']['variants']>[number]
export type VariantResults = VariantWithResults['results']
/** What POST …/experiments accepts. */
export type NewExperiment = BodyOf<'/api/organizations/{id}/experiments', 'post'>

/**
 * The detail's variants with their results. The generated type intersects the experiment's variant
 * list with the one carrying results (the schema extends `Experiment`), which hides `results`
 * from a plain map; this checks each one instead of casting.
 */
export const variantsWithResults = (e: ExperimentDetail): VariantWithResults[] =>
  e.variants.filter((v): v is VariantWithResults => 'results' in v && typeof v.results === 'object')

const experimentsKey = (orgId: string) => ['organizations', orgId, 'experiments'] as const

export function useExperiments(orgId: string) {
  return useQuery({
    queryKey: experimentsKey(orgId),
    queryFn: async () =>
      (await api<{ experiments: Experiment[] }>(`/api/organizations/${orgId}/experiments`)).experiments,
    retry: false,
  })
}

export function useExperiment(orgId: string, experimentId: string) {
  return useQuery({
    queryKey: [...experimentsKey(orgId), experimentId] as const,
    queryFn: async () =>
      (await api<{ experiment: ExperimentDetail }>(`/api/organizations/${orgId}/experiments/${experimentId}`))
        .experiment,
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 15_000 : false),
    retry: false,
  })
}

function useInvalidateExperiments(orgId: string) {
  const qc = useQueryClient()
  return () => {
    qc.invalidateQueries({ queryKey: experimentsKey(orgId) })
    // Promoting changes the organization's AI settings and welcome message.
    qc.invalidateQueries({ queryKey: orgKeys.one(orgId), exact: true })
  }
}

export function useCreateExperiment(orgId: string) {
  const done = useInvalidateExperiments(orgId)
  return useMutation({
    mutationFn: async (input: NewExperiment) =>
      (await api<{ experiment: Experiment }>(`/api/organizations/${orgId}/experiments`, { body: input }))
        .experiment,
    onSuccess: done,
  })
}

export function useEndExperiment(orgId: string, experimentId: string) {
  const done = useInvalidateExperiments(orgId)
  return useMutation({
    mutationFn: () =>
      api<{ experiment: Experiment }>(`/api/organizations/${orgId}/experiments/${experimentId}/end`, {
        method: 'POST',
        body: {},
      }),
    onSuccess: done,
  })
}

export function usePromoteVariant(orgId: string, experimentId: string) {
  const done = useInvalidateExperiments(orgId)
  return useMutation({
    mutationFn: (variantId: string) =>
      api<{ experiment: Experiment }>(`/api/organizations/${orgId}/experiments/${experimentId}/promote`, {
        body: { variantId },
      }),
    onSuccess: done,
  })
}
