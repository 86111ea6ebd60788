"""The HTML template of ``sdg87 report`` (autoescaped; the PNGs sit next to it in the reports folder)."""

REPORT_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sdg87 — what alerts led to</title>
<style>body{font-family:Arial,sans-serif;max-width:48em;margin:2em auto;padding:0 1em;line-height:1.45}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}
th:first-child,td:first-child{text-align:left}</style></head>
<body>
<h1>What alerts led to</h1>
<p>Generated {{ generated }}. Alerts sent: <strong>{{ f.n_alerts }}</strong>; with feedback:
<strong>{{ f.n_feedback }}</strong>; acted on:
<strong>{{ share(f.n_acted, f.n_alerts) }}</strong>
(referred, inspected, confirmed or found a false alarm).</p>
{% macro delay_table(frame, label) %}
<table><tr><th>{{ label }}</th><th>referrals</th><th>median days</th><th>90th percentile</th><th>dated before the alert (left out)</th></tr>
{% for r in frame.to_dict("records") %}<tr><td>{{ r.group }}</td><td>{{ r.n_referred }}</td>
<td>{{ "%.1f" | format(r.median) }}</td><td>{{ "%.1f" | format(r.p90) }}</td><td>{{ r.n_before_alert }}</td></tr>{% else %}
<tr><td colspan="5">no referrals recorded yet</td></tr>{% endfor %}</table>
{% endmacro %}
<h2>Time from alert to referral</h2>
{{ delay_table(f.delay, "") }}
<h3>By state</h3>
{{ delay_table(f.delay_by_state, "state") }}
<img src="alerts-delay-by-state.png" alt="Days from alert to referral by state">
<h3>By recipient role</h3>
{{ delay_table(f.delay_by_role, "role") }}
<h2>By risk class</h2>
<table><tr><th>risk class</th><th>alerts</th><th>with feedback</th><th>acted on</th><th>confirmed-case rate</th><th>cases</th></tr>
{% for r in f.by_class.to_dict("records") %}<tr><td>{{ r.risk_class }}</td><td>{{ r.n_alerts }}</td><td>{{ r.n_feedback }}</td>
<td>{{ share(r.n_acted, r.n_alerts) }}</td>
<td>{{ share(r.n_confirmed, r.n_feedback) }}</td><td>{{ r.cases }}</td></tr>
{% else %}<tr><td colspan="6">no alerts sent yet</td></tr>{% endfor %}</table>
<img src="alerts-by-class.png" alt="Share acted on and confirmed-case rate by risk class">
<p>Confirmed-case rate: alerts with confirmed cases over alerts with any feedback. Scores are about areas,
never individuals.</p>
</body></html>
"""
