/**
 * Submits one task to a Patinox mesh, waits for its result and prints it as JSON.
 *
 *   node clients/typescript/dist/examples/submit.js --bootstrap 127.0.0.1:9092 --agent support "What is 17 * 23?"
 *
 * Exit status: 0 when the run completed, 1 when it ended otherwise, 2 on a timeout or an error.
 */
import { parseArgs } from 'util';
import { PatinoxClient } from '../src';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      bootstrap: { type: 'string', default: '127.0.0.1:9092' },
      agent: { type: 'string' },
      'task-id': { type: 'string' },
      timeout: { type: 'string', default: '60' },
    },
  });
  if (!values.agent || positionals.length !== 1) {
    console.error('usage: submit.js [--bootstrap HOST:PORT] --agent NAME [--task-id ID] [--timeout SECONDS] "the task"');
    return 2;
  }
  const client = new PatinoxClient({ bootstrap: values.bootstrap! });
  try {
    const taskId = await client.submit(values.agent, positionals[0], { taskId: values['task-id'] });
    const result = await client.waitForResult(taskId, Number(values.timeout) * 1000);
    console.log(JSON.stringify(result));
    return result.status === 'COMPLETED' ? 0 : 1;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await client.close();
  }
}

main().then((code) => process.exit(code));
