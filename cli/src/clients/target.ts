/** Where a command points: the same three knobs kubectl and helm honour. */
export interface KubeTarget {
  context?: string | undefined;
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
}
