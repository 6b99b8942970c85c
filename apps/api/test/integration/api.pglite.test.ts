import { describeApi } from '../support/api-suite.js';

describeApi('pglite');
