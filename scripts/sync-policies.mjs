#!/usr/bin/env node
// Copies policies/rules.yaml into charts/todo-infrastructure/files/rules.yaml, from which the
// chart generates its ValidatingAdmissionPolicies. A unit test fails when the two differ.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
copyFileSync(join(root, 'policies/rules.yaml'), join(root, 'charts/todo-infrastructure/files/rules.yaml'));
console.error('charts/todo-infrastructure/files/rules.yaml updated');
