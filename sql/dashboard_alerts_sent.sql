-- One row per alert of a model carried by at least one sent e-mail, with when it was first sent.
SELECT a.alert_id, a.area_id, a.period, a.reason, a.p, MIN(d.sent_at) AS sent_at
FROM alert AS a
JOIN delivery_alert AS da ON da.alert_id = a.alert_id
JOIN delivery AS d ON d.delivery_key = da.delivery_key AND d.status = 'sent'
WHERE a.model_name = :model_name
GROUP BY a.alert_id, a.area_id, a.period, a.reason, a.p
ORDER BY a.alert_id
