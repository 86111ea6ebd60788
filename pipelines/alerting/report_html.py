"""The HTML template of ``sdg87 report`` (autoescaped; the PNGs sit next to it in the reports folder).

Context: ``lang`` (``en``, ``pt``, ``es``, ``fr``), ``t`` (that language's catalogue, keys ``report_*``
plus ``risk_class``, ``dash_state``, ``dash_col_alerts`` and the ``dash_status_*`` outcome words), ``f``
(the figures, group and risk-class names already in the language), ``share(k, n)`` and ``days(value)``
(:func:`alerts.outcomes.share_text` and :func:`alerts.outcomes.days_text` in the language) and
``generated`` (``YYYY-MM-DD HH:MM UTC``).
"""

REPORT_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ t.report_title }}</title>
<style>body{font-family:Arial,sans-serif;max-width:48em;margin:2em auto;padding:0 1em;line-height:1.45}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}
th:first-child,td:first-child{text-align:left}</style></head>
<body>
<h1>{{ t.report_heading }}</h1>
<p>{{ t.report_generated.format(when=generated) }} {{ t.report_alerts_sent }} <strong>{{ f.n_alerts }}</strong>,
{{ t.report_with_feedback }} <strong>{{ f.n_feedback }}</strong>, {{ t.report_acted_on }}
<strong>{{ share(f.n_acted, f.n_alerts) }}</strong>
{{ t.report_acted_means.format(referred=t.dash_status_referred, inspected=t.dash_status_inspected,
   confirmed=t.dash_status_confirmed, false_alarm=t.dash_status_false_alarm) }}.</p>
{% macro delay_table(frame, label) %}
<table><tr><th>{{ label }}</th><th>{{ t.report_col_referrals }}</th><th>{{ t.report_col_median }}</th><th>{{ t.report_col_p90 }}</th><th>{{ t.report_col_before }}</th></tr>
{% for r in frame.to_dict("records") %}<tr><td>{{ r.group }}</td><td>{{ r.n_referred }}</td>
<td>{{ days(r.median) }}</td><td>{{ days(r.p90) }}</td><td>{{ r.n_before_alert }}</td></tr>{% else %}
<tr><td colspan="5">{{ t.report_no_referrals }}</td></tr>{% endfor %}</table>
{% endmacro %}
<h2>{{ t.report_delay_heading }}</h2>
{{ delay_table(f.delay, "") }}
<h3>{{ t.report_by_state }}</h3>
{{ delay_table(f.delay_by_state, t.dash_state) }}
<img src="alerts-delay-by-state.png" alt="{{ t.report_alt_delay }}">
<h3>{{ t.report_by_role }}</h3>
{{ delay_table(f.delay_by_role, t.report_col_role) }}
<h2>{{ t.report_by_class }}</h2>
<table><tr><th>{{ t.risk_class }}</th><th>{{ t.dash_col_alerts }}</th><th>{{ t.report_col_with_feedback }}</th><th>{{ t.report_col_acted }}</th><th>{{ t.report_col_confirmed_rate }}</th><th>{{ t.report_col_cases }}</th></tr>
{% for r in f.by_class.to_dict("records") %}<tr><td>{{ r.risk_class }}</td><td>{{ r.n_alerts }}</td><td>{{ r.n_feedback }}</td>
<td>{{ share(r.n_acted, r.n_alerts) }}</td>
<td>{{ share(r.n_confirmed, r.n_feedback) }}</td><td>{{ r.cases }}</td></tr>
{% else %}<tr><td colspan="6">{{ t.report_no_alerts }}</td></tr>{% endfor %}</table>
<img src="alerts-by-class.png" alt="{{ t.report_alt_class }}">
<p>{{ t.report_note }}</p>
</body></html>
"""
