import axios from 'axios';
import { startEmulator } from './server';
async function main() {
  const emu = await startEmulator({ paragonExecutions: 3000 });
  for (const kind of ['truncate', 'drop', 'non-json', 'server-error'] as const) {
    emu.faults.inject(kind, 1);
    try {
      const r = await axios.get(`${emu.paragonBaseUrl}/workflow-executions`, { headers: { Authorization: `Bearer ${emu.apiKey}` }, responseType: 'text' });
      console.log(kind, 'ok', r.status, typeof r.data, String(r.data).length);
    } catch (e: any) {
      console.log(kind, 'error', e.code, e.message, e.response?.status);
    }
  }
  await emu.close();
}
main();
