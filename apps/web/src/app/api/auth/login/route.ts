import { credentialsRoute } from '../credentials';

export const POST = credentialsRoute('login');
