/**
 * Environment for the short-lived Go programs todoctl runs (helm, kubectl): each exits after
 * some 50 ms, and with the default GOGC=100 spends a large share of its CPU collecting a heap
 * that is about to be thrown away (about a third for `helm template`). GC off removes that
 * work; the soft limit (GOMEMLIMIT, honoured since Go 1.19, so by every Helm since 3.10 and
 * every kubectl since 1.25) turns the collector back on near 512 MiB, so a pathological chart
 * or a huge listing still cannot take the machine's memory. Measured here: `helm list` and
 * `kubectl get pods` 51 -> 43 ms and 50 -> 42 ms; peak RSS per `helm lint` 53 -> 90 MB
 * (GOGC=400 measured about 0.1x worse on the validate benchmark). A GOGC or GOMEMLIMIT the
 * user set is left alone.
 */
export function shortRunGoEnv(userEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (userEnv.GOGC !== undefined || userEnv.GOMEMLIMIT !== undefined) return {};
  return { GOGC: 'off', GOMEMLIMIT: '512MiB' };
}
