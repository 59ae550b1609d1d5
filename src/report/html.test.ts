import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, jsonForScript, trusted } from './html.js';
import { formatAmount, formatInteger, formatNumber, formatPercent, formatTimestamp } from './format.js';
import { weekAxis } from './weeks.js';

test('html escapes every interpolation unless it is SafeHtml', () => {
  const name = `<b onclick="x">Tom & 'Jerry'</b>`;
  assert.equal(html`<td>${name}</td>`.value, '<td>&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;</td>');
  assert.equal(html`<ul>${['<a>', html`<li>ok</li>`, null, false, 3]}</ul>`.value, '<ul>&lt;a&gt;<li>ok</li>3</ul>');
  assert.equal(html`${trusted('<br>')}`.value, '<br>');
});

test('jsonForScript cannot close its script block and round-trips exactly', () => {
  const value = { s: '</script><!-- & \u2028 \u2029 >' };
  const text = jsonForScript(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('numbers have thousands separators and fixed decimals, independent of locale', () => {
  assert.equal(formatInteger(2_500_315), '2,500,315');
  assert.equal(formatNumber(1234567.891, 2), '1,234,567.89');
  assert.equal(formatNumber(-1234.5, 1), '-1,234.5');
  assert.equal(formatNumber(-0.001, 2), '0.00');
  assert.equal(formatNumber(999.999, 2), '1,000.00');
  assert.equal(formatAmount(2500315.63), '2,500,315.63');
  assert.equal(formatPercent(0.38625), '38.6%');
  assert.equal(formatNumber(Number.NaN), '—');
});

test('timestamps show as UTC minutes; other text is left alone', () => {
  assert.equal(formatTimestamp('2024-07-01T09:30:00.000Z'), '2024-07-01 09:30 UTC');
  assert.equal(formatTimestamp('2024-07-01T09:30:00+02:00'), '2024-07-01 09:30 UTC+02:00');
  assert.equal(formatTimestamp('yesterday'), 'yesterday');
});

test('weekAxis fills missing weeks and leaves non-dates unguessed', () => {
  assert.deepEqual(weekAxis(['2024-01-15', '2024-01-01T00:00:00Z']), ['2024-01-01', '2024-01-08', '2024-01-15']);
  assert.deepEqual(weekAxis(['2024-01-01', '2024-01-03']), ['2024-01-01', '2024-01-03']);
  assert.deepEqual(weekAxis(['w2', 'w1']), ['w1', 'w2']);
  assert.deepEqual(weekAxis([]), []);
  assert.deepEqual(weekAxis(['1970-01-05', '2024-01-01']), ['1970-01-05', '2024-01-01'], 'a stray epoch date fills no 2,800 weeks');
});
