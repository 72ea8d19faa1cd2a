// The latency gate's k6 script (make k6-host, make k6-compose, smoke-local).
// GET BASE_URL/v1/models tagged ep:models; a check that the answer is 200
// with a "data" array; thresholds from P95_MAX_MS and FAILED_MAX. Every
// knob comes from the environment (k6 run -e NAME=value):
//   BASE_URL    http://localhost:8082
//   VUS         2
//   DURATION    10s
//   P95_MAX_MS  1200   gate: p(95) of http_req_duration{ep:models} below it
//   FAILED_MAX  0.01   gate: rate of http_req_failed{ep:models} below it
// It reads the environment only: no secret goes in, none comes out.
import http from 'k6/http';
import { check } from 'k6';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8082').replace(/\/+$/, '');
const P95_MAX_MS = __ENV.P95_MAX_MS || '1200';
const FAILED_MAX = __ENV.FAILED_MAX || '0.01';

export const options = {
	vus: parseInt(__ENV.VUS || '2', 10),
	duration: __ENV.DURATION || '10s',
	thresholds: {
		'http_req_duration{ep:models}': [`p(95)<${P95_MAX_MS}`],
		'http_req_failed{ep:models}': [`rate<${FAILED_MAX}`],
	},
};

function hasDataArray(r) {
	try {
		return Array.isArray(r.json('data'));
	} catch (e) {
		return false;
	}
}

export default function () {
	const r = http.get(`${BASE_URL}/v1/models`, { tags: { ep: 'models' } });
	check(r, {
		'status is 200': (res) => res.status === 200,
		'data is an array': (res) => hasDataArray(res),
	});
}
