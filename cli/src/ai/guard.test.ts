import { describe, expect, it } from 'vitest';
import {
  classifyArgv,
  classifyKubectl,
  classifyShell,
  GUARD_RULES,
  type GuardContext,
  type GuardDecision,
  type GuardRuleId,
} from './guard.js';

const deployment = (replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers: [{ name: web, image: web:1 }]\n`;
const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n';

/** The files the classifier may read; anything else (a directory, a missing file) reads as null. */
const FILES: Record<string, string> = {
  'deploy.yaml': deployment(2),
  'zero.yaml': deployment(0),
  'secret.yaml': secret,
  'secret.json': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' } }),
  'list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: cfg }\n  - ${secret.trimEnd().split('\n').join('\n    ')}\n`,
  'two-docs.yaml': `${deployment(2)}---\n${secret}`,
  'typed-list.yaml': 'apiVersion: v1\nkind: SecretList\nitems:\n  - metadata: { name: db }\n',
  // kubectl decodes anything with `items` as a list, whatever its kind
  'items.yaml': 'apiVersion: v1\nkind: ConfigMap\nitems:\n  - { apiVersion: v1, kind: Secret, metadata: { name: db } }\n',
  'merge.yaml': 'base: &base\n  kind: Secret\n  apiVersion: v1\n<<: *base\nmetadata: { name: db }\n',
  'rbac.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: admin }\n',
  'role.json': '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"}}',
  'netpol.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny-all }\n',
  'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: bot }\n',
  'webhook.yaml': 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: { name: w }\n',
  'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: todo-dev }\n',
  'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\ndata: { a: b }\n',
  'bad.yaml': 'kind: Deployment\n  metadata: : :\n- x',
  'nokind.yaml': 'metadata: { name: x }\n',
  'dup.yaml': 'kind: ConfigMap\nkind: Secret\n',
  'json-stream.json': '{"kind":"ConfigMap"}{"kind":"Secret"}',
  'patch-zero.yaml': 'spec:\n  replicas: 0\n',
  'patch-two.yaml': 'spec:\n  replicas: 2\n',
};

const ctx: GuardContext = {
  pinnedContext: 'minikube',
  readFile: (path) => FILES[path] ?? null,
};

type Case = readonly [line: string, decision: GuardDecision, rule: GuardRuleId, extra?: Partial<GuardContext>];

const ALLOW: Case[] = [
  ['kubectl get pods', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get po -n todo-dev', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl -n todo-dev get po', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get -nfoo deploy', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get -n=foo deploy', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods -A -o wide', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods -Aowide', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get all', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get deploy,svc,po -l app=web', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get deployment/web -o yaml', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods -o "jsonpath={.items[*].metadata.name}"', 'allow', 'GUARD-ALLOW-READ'],
  ["kubectl get pods -o 'custom-columns=NAME:.metadata.name'", 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods -w', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods --context=minikube', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl --context minikube get pods', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get networkpolicies', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get netpol -A', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl describe networkpolicy deny-all', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl describe clusterrolebinding cluster-admin', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get roles,rolebindings -n todo-dev', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get sa default -o yaml', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get validatingwebhookconfigurations', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl describe pod web-1', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl describe nodes', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl logs web-1', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl logs -f deploy/web -c app --tail=100', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl logs web-1 -p', 'allow', 'GUARD-ALLOW-READ'],
  // a pod may be called anything: logs' first argument is a pod name, not a type
  ['kubectl logs secrets', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods secrets', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl top pods', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl top node', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl events -n todo-dev', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get events --sort-by=.lastTimestamp', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl explain deployment.spec', 'allow', 'GUARD-ALLOW-READ'],
  // the schema of Secrets, not their data
  ['kubectl explain secret.data', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl api-resources', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl api-versions', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl version', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl cluster-info', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl rollout status deploy/web', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl rollout history deployment web', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl auth can-i delete pods', 'allow', 'GUARD-ALLOW-READ'],
  // a permission question names Secrets without reading one
  ['kubectl auth can-i get secrets', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl auth whoami', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl diff -f deploy.yaml', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl wait --for=condition=Ready pod/web-1 --timeout=60s', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl config view', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl config view --minify', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl config get-contexts', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl config current-context', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get -f deploy.yaml', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get -- pods', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods --all_namespaces', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl help delete', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods --help', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl rollout', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get pods -v=6', 'allow', 'GUARD-ALLOW-READ'],
  // a dry run persists nothing
  ['kubectl delete pod web-1 --dry-run=server', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl delete deploy web --dry-run=client', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl delete ns todo-dev --dry-run=server', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl apply -f deploy.yaml --dry-run=server', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl scale deploy web --replicas=0 --dry-run=server', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  // `--dry-run` alone is `--dry-run=client` in kubectl v1.36 (deprecated spelling)
  ['kubectl apply -f deploy.yaml --dry-run', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl delete pod web-1 --dry-run=true', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl --dry-run=server delete pod web-1', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl create deployment web --image=web:1 --dry-run=client -o yaml', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl rollout undo deploy/web --dry-run=server', 'allow', 'GUARD-ALLOW-DRY-RUN'],
  ['kubectl drain node-1 --ignore-daemonsets --dry-run=client', 'allow', 'GUARD-ALLOW-DRY-RUN'],
];

const CONFIRM: Case[] = [
  ['kubectl apply -f deploy.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl apply -f deploy.yaml,cm.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl apply --server-side -f deploy.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl apply -f - ', 'confirm', 'GUARD-CONFIRM-CHANGE', { stdin: deployment(3) }],
  ['kubectl create -f cm.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  // creating a Namespace is a change; deleting one is not the AI's to do
  ['kubectl apply -f ns.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create namespace todo-preview', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create deployment web --image=web:1', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create deploy web --image=web:1 --replicas=0', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create cm app-config --from-literal=a=b', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create job once --from=cronjob/nightly', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create service clusterip web --tcp=80:8080', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl expose deployment web --port=80', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl patch deployment web -p \'{"spec":{"replicas":3}}\'', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  [
    'kubectl patch deploy web --type=json -p \'[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"}]\'',
    'confirm',
    'GUARD-CONFIRM-CHANGE',
  ],
  ['kubectl patch deploy web --patch-file patch-two.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl replace -f deploy.yaml', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl scale deploy web --replicas=3', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl scale --replicas 3 deployment/web', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl scale statefulset db --replicas=1 --current-replicas=3', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl rollout restart deployment/web', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl rollout pause deploy/web', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl rollout resume deploy/web', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl set image deployment/web web=web:2', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl set env deployment/web LOG_LEVEL=debug', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl set env deployment/web --from=configmap/app-config', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl set resources deploy web --limits=cpu=500m,memory=512Mi', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl label pods web-1 tier=frontend', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  // a label key may contain a slash and the word secrets without naming a type
  ['kubectl label deploy web example.com/secrets=none', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl annotate deployment web note=investigating --overwrite', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl cordon node-1', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl uncordon node-1', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl taint nodes node-1 dedicated=ai:NoSchedule', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl taint nodes node-1 dedicated:NoExecute-', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl autoscale deployment web --min=2 --max=5 --cpu=80%', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl create job smoke --image=web:1', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  // --dry-run=none, and booleans that mean none, are real runs
  ['kubectl apply -f deploy.yaml --dry-run=none', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl apply -f deploy.yaml --dry-run=false', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl apply -f deploy.yaml --dry-run=server --dry-run=none', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  ['kubectl apply -f deploy.yaml --dry_run=none', 'confirm', 'GUARD-CONFIRM-CHANGE'],
  // a value kubectl refuses: the stricter reading is a real run
  ['kubectl label pod web-1 a=b --dry-run=bogus', 'confirm', 'GUARD-CONFIRM-CHANGE'],
];

const TYPED: Case[] = [
  ['kubectl delete pod web-1', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete -n x pod y', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl -n x delete pod y', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete pod y -n x', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl --namespace=x delete po/y', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete deploy/web svc/web', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete deployment web --dry-run=none', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete pvc data-db-0', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete pod web-1 --force --grace-period=0', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete pod web-1 --all=false', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  // --cascade takes no separate value: `orphan` is a second pod to delete
  ['kubectl delete pod web-1 --cascade orphan', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete -f deploy.yaml', 'typed-confirm', 'GUARD-TYPED-DELETE'],
  ['kubectl delete -f - ', 'typed-confirm', 'GUARD-TYPED-DELETE', { stdin: deployment(1) }],
  ['kubectl scale deploy web --replicas=0', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl scale deploy web --replicas 0', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl scale --replicas=0 deploy web', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl scale deploy web --replicas=00', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl scale deploy web --replicas=0x0', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl scale statefulset db --replicas=0 --dry-run=none', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  // no count kubectl would accept: the stricter reading
  ['kubectl scale deploy web', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl scale deploy web --replicas=few', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl patch deploy web -p \'{"spec":{"replicas":0}}\'', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  [
    'kubectl patch deploy web --type=json -p \'[{"op":"replace","path":"/spec/replicas","value":0}]\'',
    'typed-confirm',
    'GUARD-TYPED-SCALE-TO-ZERO',
  ],
  ["kubectl patch deploy web --subresource=scale -p 'spec: {replicas: 0}'", 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl patch deploy web --patch-file patch-zero.yaml', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl apply -f zero.yaml', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO'],
  ['kubectl apply -f -', 'typed-confirm', 'GUARD-TYPED-SCALE-TO-ZERO', { stdin: deployment(0) }],
  ['kubectl rollout undo deployment/web', 'typed-confirm', 'GUARD-TYPED-ROLLOUT-UNDO'],
  ['kubectl rollout undo deploy web --to-revision=2', 'typed-confirm', 'GUARD-TYPED-ROLLOUT-UNDO'],
  ['kubectl drain node-1 --ignore-daemonsets', 'typed-confirm', 'GUARD-TYPED-DRAIN'],
  ['kubectl taint nodes node-1 dedicated=ai:NoExecute', 'typed-confirm', 'GUARD-TYPED-TAINT-NOEXECUTE'],
  ['kubectl taint node/node-1 maintenance:noexecute', 'typed-confirm', 'GUARD-TYPED-TAINT-NOEXECUTE'],
  ['kubectl replace --force -f deploy.yaml', 'typed-confirm', 'GUARD-TYPED-FORCE'],
  ['kubectl apply --force -f deploy.yaml', 'typed-confirm', 'GUARD-TYPED-FORCE'],
];

const DENY: Case[] = [
  // Secrets: reading them puts their values in the model's context
  ['kubectl get secrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secret db -o yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get Secret', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get SECRETS', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secrets.v1', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secret.v1.', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secrets.v1.core', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secret/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get pods,secrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get po,svc,Secret.v1. -A', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get pod/web-1 secret/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secret db -o jsonpath="{.data.password}"', 'deny', 'GUARD-DENY-SECRETS'],
  ["kubectl get secret db -o 'jsonpath={.data.password}'", 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get secret db -o go-template="{{.data.password}}"', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl describe secret db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl -n todo-dev describe secrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get -n secrets secrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get -- secrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get s\\ecrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get "sec"rets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl delete secret db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl delete secret db --dry-run=server', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl create secret generic db --from-literal=password=x', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl create secret generic db --from-literal=password=x --dry-run=client -o yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl create secret tls web --cert=c --key=k', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl patch secret db -p \'{"data":{}}\'', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl label secret db a=b', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl annotate secrets.v1 db a=b', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl set env deploy/web --from=secret/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl set env deploy/web --from secrets/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl set env deploy/web --list --resolve', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl wait --for=delete secret/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl events --for secret/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl logs secret/db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply view-last-applied secret db', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl diff -f deploy.yaml --show-secrets', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl get -f secret.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f secret.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f secret.json', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f -', 'deny', 'GUARD-DENY-SECRETS', { stdin: secret }],
  ['kubectl apply -f list.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f two-docs.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f deploy.yaml -f two-docs.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f deploy.yaml,secret.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f typed-list.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f items.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f merge.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl apply -f secret.yaml --dry-run=server', 'deny', 'GUARD-DENY-SECRETS'],
  ['kubectl delete -f two-docs.yaml', 'deny', 'GUARD-DENY-SECRETS'],
  // RBAC: reading is allowed, changing is not
  ['kubectl create token default', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl create token bot --duration=8760h', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl auth reconcile -f x', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl auth reconcile -f rbac.yaml --dry-run=client', 'deny', 'GUARD-DENY-RBAC'],
  [
    'kubectl create clusterrolebinding pwn --clusterrole=cluster-admin --serviceaccount=default:default',
    'deny',
    'GUARD-DENY-RBAC',
  ],
  ['kubectl create rolebinding r --role=admin --user=me', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl create role r --verb=get --resource=secrets', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl create sa bot', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl delete clusterrolebinding admin', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl delete rolebindings.rbac.authorization.k8s.io r', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl patch clusterrole view -p \'{"rules":[]}\'', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl label role r a=b', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl apply -f rbac.yaml', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl apply -f role.json', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl apply -f sa.yaml', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl set subject rolebinding r --user=me', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl set sa deploy/web admin', 'deny', 'GUARD-DENY-RBAC'],
  ['kubectl delete serviceaccount/bot', 'deny', 'GUARD-DENY-RBAC'],
  // NetworkPolicies: reading is allowed, changing is not
  ['kubectl patch networkpolicy deny-all -p \'{"spec":{}}\'', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl delete netpol deny-all', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl delete networkpolicy deny-all --dry-run=none', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl delete networkpolicies.networking.k8s.io deny-all', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl annotate NetworkPolicy deny-all a=b', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl apply -f netpol.yaml', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl delete cnp allow-dns', 'deny', 'GUARD-DENY-NETWORK-POLICY'],
  ['kubectl apply -f webhook.yaml', 'deny', 'GUARD-DENY-ADMISSION'],
  ['kubectl delete validatingwebhookconfiguration w', 'deny', 'GUARD-DENY-ADMISSION'],
  // verbs the AI never runs
  ['kubectl exec -it web-1 -- sh', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl exec web-1 -- cat /etc/passwd', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl -n x exec web-1 -- ls', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl attach web-1', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl cp web-1:/data ./data', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl port-forward svc/web 8080:80', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl proxy', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl debug node/node-1 -it --image=busybox', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl edit deploy web', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl run shell --image=busybox --restart=Never', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl run x --image=busybox --dry-run=client', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl plugin list', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl kustomize overlays/dev', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl apply edit-last-applied deploy/web', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl create --edit -f deploy.yaml', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl kuberc set --section=aliases --name=g --command=get', 'deny', 'GUARD-DENY-VERB'],
  ['kubectl certificate approve csr-1', 'deny', 'GUARD-DENY-CERTIFICATE'],
  ['kubectl certificate deny csr-1', 'deny', 'GUARD-DENY-CERTIFICATE'],
  ['kubectl config use-context prod', 'deny', 'GUARD-DENY-CONFIG'],
  ['kubectl config use prod', 'deny', 'GUARD-DENY-CONFIG'],
  ['kubectl config set-credentials me --token=abc', 'deny', 'GUARD-DENY-CONFIG'],
  ['kubectl config set-context --current --namespace=kube-system', 'deny', 'GUARD-DENY-CONFIG'],
  ['kubectl config view --raw', 'deny', 'GUARD-DENY-CONFIG'],
  ['kubectl config view --raw=true --minify', 'deny', 'GUARD-DENY-CONFIG'],
  ['kubectl ai "delete everything"', 'deny', 'GUARD-DENY-UNKNOWN-COMMAND'],
  ['kubectl DELETE pod web-1', 'deny', 'GUARD-DENY-UNKNOWN-COMMAND'],
  ['kubectl rollout bogus deploy/web', 'deny', 'GUARD-DENY-UNKNOWN-COMMAND'],
  ['kubectl alpha events', 'deny', 'GUARD-DENY-UNKNOWN-COMMAND'],
  ['kubectl __complete get secrets', 'deny', 'GUARD-DENY-UNKNOWN-COMMAND'],
  ['kubectl create foo -f deploy.yaml', 'deny', 'GUARD-DENY-UNKNOWN-COMMAND'],
  // impersonation and connection overrides
  ['kubectl get pods --as=system:admin', 'deny', 'GUARD-DENY-IMPERSONATION'],
  ['kubectl --as-group=system:masters delete pod web-1', 'deny', 'GUARD-DENY-IMPERSONATION'],
  ['kubectl get pods --as_uid=0', 'deny', 'GUARD-DENY-IMPERSONATION'],
  ['kubectl get pods --context=prod', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl --context prod get pods', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --context=minikube --context=prod', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --context=minikube', 'deny', 'GUARD-DENY-CONNECTION', { pinnedContext: undefined }],
  ['kubectl get pods --kubeconfig=/tmp/other', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods -s https://10.0.0.1:6443', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --server=https://evil.example', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --token=abc', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --user=admin', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --cluster=prod', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --insecure-skip-tls-verify', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --certificate-authority=/tmp/ca.crt', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --client-key=k --client-certificate=c', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --username=admin --password=x', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --kuberc=/tmp/kuberc', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl get pods --cache-dir=/tmp/fake-discovery', 'deny', 'GUARD-DENY-CONNECTION'],
  ['kubectl logs web-1 --insecure-skip-tls-verify-backend', 'deny', 'GUARD-DENY-CONNECTION'],
  // manifests and local files the guard cannot inspect
  ['kubectl apply -f https://example.com/x.yaml', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f http://10.0.0.1/x.yaml --dry-run=server', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f manifests/', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -R -f manifests', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f missing.yaml', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f -', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f /dev/stdin', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -k overlays/dev', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl get -k overlays/dev', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f bad.yaml', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f nokind.yaml', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f dup.yaml', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl apply -f json-stream.json', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl patch deploy web --patch-file missing.yaml', 'deny', 'GUARD-DENY-MANIFEST'],
  ['kubectl get pods -o go-template-file=/home/me/.ssh/id_rsa', 'deny', 'GUARD-DENY-LOCAL-FILE'],
  ['kubectl get pods -o jsonpath-file --template=/etc/shadow', 'deny', 'GUARD-DENY-LOCAL-FILE'],
  ['kubectl create configmap x --from-file=/home/me/.kube/config', 'deny', 'GUARD-DENY-LOCAL-FILE'],
  ['kubectl create cm x --from-env-file=.env --dry-run=client -o yaml', 'deny', 'GUARD-DENY-LOCAL-FILE'],
  ['kubectl cluster-info dump --output-directory=/tmp/dump', 'deny', 'GUARD-DENY-LOCAL-FILE'],
  ['kubectl get pods --profile=cpu', 'deny', 'GUARD-DENY-LOCAL-FILE'],
  ['kubectl get --raw /api/v1/namespaces/default/secrets', 'deny', 'GUARD-DENY-RAW'],
  ['kubectl get --raw /healthz', 'deny', 'GUARD-DENY-RAW'],
  ['kubectl delete --raw /api/v1/namespaces/todo-dev', 'deny', 'GUARD-DENY-RAW'],
  // deletes too broad for an AI
  ['kubectl delete ns todo-dev', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete namespace/todo-dev', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete Namespaces todo-dev', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete node node-1', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete crd widgets.example.com', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pv pv-1', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete -f ns.yaml', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl replace --force -f ns.yaml', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pods --all', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete all --all', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete all -l app=web', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pods -l app=web', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pods --selector=app=web', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pods --field-selector=status.phase=Failed', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pods -A --all', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl delete pod web-1 -A', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  ['kubectl apply --prune -l app=web -f deploy.yaml', 'deny', 'GUARD-DENY-BROAD-DELETE'],
  // flags the guard does not know, or malformed ones
  ['kubectl get pods --frobnicate', 'deny', 'GUARD-DENY-FLAG'],
  ['kubectl get pods -Z', 'deny', 'GUARD-DENY-FLAG'],
  ['kubectl get pods -n', 'deny', 'GUARD-DENY-FLAG'],
  ['kubectl get pods ---namespace=x', 'deny', 'GUARD-DENY-FLAG'],
  ['kubectl get pods -test.v', 'deny', 'GUARD-DENY-FLAG'],
  ['kubectl logs web-1 --dry-run=server', 'deny', 'GUARD-DENY-FLAG'],
];

const SHELL: Case[] = [
  ['kubectl get po; rm -rf /', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po | sh', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po |& cat', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po && kubectl delete ns todo-dev', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po || true', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po &', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po > out.txt', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po >> out.txt', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po 2>&1', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl apply -f - < secret.yaml', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl apply -f <(cat secret.yaml)', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get $(echo secrets)', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get "$(echo secrets)"', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get `echo secrets`', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get $KIND', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get "${KIND:-secrets}"', 'deny', 'GUARD-DENY-SHELL'],
  ["kubectl get $'\\x73ecrets'", 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po*', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get se?rets', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get [s]ecrets', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get {secrets,pods}', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl apply -f ~/deploy.yaml', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get pods -o jsonpath={.items[*].metadata.name}', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po # and then', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po\nkubectl delete ns todo-dev', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po\r', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get\u00a0secrets', 'deny', 'GUARD-DENY-SHELL'],
  ['(kubectl get po)', 'deny', 'GUARD-DENY-SHELL'],
  ["kubectl get 'unterminated", 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get "secrets pods', 'deny', 'GUARD-DENY-SHELL'],
  ['kubectl get po\\', 'deny', 'GUARD-DENY-SHELL'],
  ['FOO=1 kubectl get po', 'deny', 'GUARD-DENY-ENV-ASSIGNMENT'],
  ['KUBECONFIG=/tmp/x kubectl get po', 'deny', 'GUARD-DENY-ENV-ASSIGNMENT'],
  ['sudo kubectl get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['bash -c "kubectl get po"', 'deny', 'GUARD-DENY-PROGRAM'],
  ['sh -c kubectl', 'deny', 'GUARD-DENY-PROGRAM'],
  ['env kubectl get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['/usr/bin/kubectl get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['./kubectl get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['kubectl-1.28 get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['kubectl.exe get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['"kubectl " get po', 'deny', 'GUARD-DENY-PROGRAM'],
  ['helm uninstall web', 'deny', 'GUARD-DENY-PROGRAM'],
  ['rm -rf /', 'deny', 'GUARD-DENY-PROGRAM'],
  ['', 'deny', 'GUARD-DENY-PROGRAM'],
  ['   ', 'deny', 'GUARD-DENY-PROGRAM'],
  // quoting is plain words: the shell and the guard read the same argv
  ["kubectl get pods -o 'jsonpath={.items[0].metadata.name}'", 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl get "pods"', 'allow', 'GUARD-ALLOW-READ'],
  ['kubectl \tget\tpods', 'allow', 'GUARD-ALLOW-READ'],
];

const TABLE = [...ALLOW, ...CONFIRM, ...TYPED, ...DENY, ...SHELL];

describe('classifyShell: the table', () => {
  for (const [line, decision, rule, extra] of TABLE) {
    it(`${JSON.stringify(line)} -> ${decision} (${rule})`, () => {
      const got = classifyShell(line, { ...ctx, ...extra });
      expect({ decision: got.decision, rule: got.rule }, got.reason).toEqual({ decision, rule });
      expect(got.reason).toMatch(/^\S.*[.]$/s);
    });
  }

  it('covers all four decisions with at least 150 cases, and every rule', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(150);
    for (const decision of ['allow', 'confirm', 'typed-confirm', 'deny'] as const) {
      expect(TABLE.filter((c) => c[1] === decision).length).toBeGreaterThanOrEqual(15);
    }
    const used = new Set(TABLE.map((c) => c[2]));
    expect(Object.keys(GUARD_RULES).filter((id) => !used.has(id as GuardRuleId))).toEqual([]);
    // a rule's decision is its own: the table cannot pair an id with another class
    for (const [, decision, rule] of TABLE) expect(GUARD_RULES[rule][0]).toBe(decision);
  });
});

describe('classifyKubectl (argv, no shell)', () => {
  it('judges words the shell would have refused, since an argv reaches kubectl as it is', () => {
    expect(classifyKubectl(['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'], ctx).decision).toBe('allow');
    expect(classifyKubectl(['get', 'secrets;', 'pods'], ctx).rule).toBe('GUARD-DENY-SECRETS');
    expect(classifyKubectl(['get', ' Secrets '], ctx).rule).toBe('GUARD-DENY-SECRETS');
    expect(classifyKubectl(['get', '{secrets,pods}'], ctx).rule).toBe('GUARD-DENY-SECRETS');
    expect(classifyKubectl(['get', 'pods', '--namespace', '$(id)'], ctx).decision).toBe('allow');
  });

  it('reads --dry-run as kubectl does: alone it is client, `--dry-run server` is two words', () => {
    expect(classifyKubectl(['delete', 'pod', 'x', '--dry-run'], ctx).rule).toBe('GUARD-ALLOW-DRY-RUN');
    // pflag gives `--dry-run` its no-value default and leaves `server` as a name to delete
    expect(classifyKubectl(['delete', 'pod', 'x', '--dry-run', 'server'], ctx).reason).toContain('--dry-run=client');
    expect(classifyKubectl(['delete', 'pod', 'x', '--dry-run=', ''], ctx).rule).toBe('GUARD-TYPED-DELETE');
    expect(classifyKubectl(['delete', 'pod', 'x', '--dry-run=FALSE'], ctx).rule).toBe('GUARD-TYPED-DELETE');
  });

  it('finds the verb the way cobra does, past global flags and their values', () => {
    expect(classifyKubectl(['-n', 'delete', 'get', 'pods'], ctx).rule).toBe('GUARD-ALLOW-READ');
    expect(classifyKubectl(['--namespace', 'get', 'delete', 'pod', 'x'], ctx).rule).toBe('GUARD-TYPED-DELETE');
    expect(classifyKubectl(['-v', '9', 'exec', 'x', '--', 'sh'], ctx).rule).toBe('GUARD-DENY-VERB');
    expect(classifyKubectl(['--', 'get', 'pods'], ctx).rule).toBe('GUARD-ALLOW-READ');
  });

  it('names what it found in the reason', () => {
    expect(classifyKubectl(['get', 'pods,Secrets.v1.'], ctx).reason).toContain('"Secrets.v1."');
    expect(classifyKubectl(['apply', '-f', 'list.yaml'], ctx).reason).toBe(
      "kubectl apply changes Secrets (the Secret of list.yaml, document 1, item 2); the AI may neither read Secrets, whose values would enter the model's context, nor change them.",
    );
    expect(classifyKubectl(['patch', 'netpol', 'deny-all', '-p', '{}'], ctx).reason).toBe(
      'kubectl patch would change NetworkPolicies (the type "netpol"); the AI may read them but never change them.',
    );
    expect(classifyKubectl(['apply', '-f', 'two-docs.yaml'], ctx).reason).toContain('document 2');
    expect(classifyKubectl(['get', 'po', '--context=prod'], ctx).reason).toContain('"minikube"');
    expect(classifyKubectl(['delete', 'pod', 'web-1'], ctx).reason).toContain('pod web-1');
    expect(classifyKubectl(['delete', 'ns', 'todo-dev'], ctx).reason).toContain('a namespace and everything in it');
  });

  it('reads the manifest of `-f -` only from the stdin it is given', () => {
    expect(classifyKubectl(['apply', '-f', '-'], {}).rule).toBe('GUARD-DENY-MANIFEST');
    expect(classifyKubectl(['apply', '-f', '-'], { stdin: deployment(2) }).rule).toBe('GUARD-CONFIRM-CHANGE');
    expect(classifyKubectl(['apply', '-f', '-'], { stdin: `${deployment(2)}---\n${secret}` }).rule).toBe('GUARD-DENY-SECRETS');
    expect(classifyKubectl(['apply', '-f', '-'], { stdin: '' }).rule).toBe('GUARD-CONFIRM-CHANGE');
  });

  it('without a file reader, no file can be inspected', () => {
    expect(classifyKubectl(['apply', '-f', 'deploy.yaml'], {}).rule).toBe('GUARD-DENY-MANIFEST');
  });
});

describe('classifyArgv', () => {
  it('takes the program as its first word', () => {
    expect(classifyArgv(['kubectl', 'get', 'pods'], ctx).decision).toBe('allow');
    expect(classifyArgv(['/usr/local/bin/kubectl', 'get', 'pods'], ctx).rule).toBe('GUARD-DENY-PROGRAM');
    expect(classifyArgv([], ctx).rule).toBe('GUARD-DENY-PROGRAM');
  });
});
