/**
 * The page's own script: draws every chart listed in #spiral-charts with the SVG renderer, adds the
 * number formatters a JSON option cannot carry, and redraws on resize and for printing. It sets
 * <html data-charts="N"> when done, which the browser test waits for.
 */
export const RUNTIME_JS = String.raw`(function () {
  'use strict';
  var PRINT_WIDTH = 680;
  var numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  function formatValue(v) {
    if (Array.isArray(v)) v = v[v.length - 1];
    return typeof v === 'number' && isFinite(v) ? numberFormat.format(v) : v == null ? '—' : String(v);
  }
  function list(x) { return x == null ? [] : Array.isArray(x) ? x : [x]; }
  function addFormatters(option) {
    if (option.tooltip && !option.tooltip.valueFormatter) option.tooltip.valueFormatter = formatValue;
    list(option.xAxis).concat(list(option.yAxis)).forEach(function (axis) {
      if (axis.type !== 'value') return;
      axis.axisLabel = axis.axisLabel || {};
      if (!axis.axisLabel.formatter) axis.axisLabel.formatter = formatValue;
    });
    list(option.series).forEach(function (s) {
      if (s.label && s.label.show && !s.label.formatter) {
        s.label.formatter = function (p) { return formatValue(p.value); };
      }
    });
    return option;
  }
  function fail(el, message) {
    el.textContent = message;
    el.className += ' chart-failed';
  }
  var specs = JSON.parse(document.getElementById('spiral-charts').textContent);
  var charts = [];
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.elementId);
    if (!el) { console.error('spiral report: no element #' + spec.elementId); return; }
    if (typeof echarts === 'undefined') { fail(el, 'Chart unavailable: the charting library did not load. The numbers are in the table below.'); return; }
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(addFormatters(spec.option));
    charts.push(chart);
  });
  function resize(width) {
    charts.forEach(function (c) { c.resize(width ? { width: width } : undefined); });
  }
  window.addEventListener('resize', function () { resize(); });
  window.addEventListener('beforeprint', function () { resize(PRINT_WIDTH); });
  window.addEventListener('afterprint', function () { resize(); });
  document.documentElement.setAttribute('data-charts', String(charts.length));
})();
`;
