-- One row per alert carried by at least one sent e-mail: when it was first sent, the recipient's role,
-- and the area's level and parent (to name its state).
SELECT a.alert_id, a.area_id, a.risk_class, s.role, MIN(d.sent_at) AS sent_at,
       ar.level AS area_level, ar.parent_id AS area_parent_id
FROM alert AS a
JOIN delivery_alert AS da ON da.alert_id = a.alert_id
JOIN delivery AS d ON d.delivery_key = da.delivery_key AND d.status = 'sent'
JOIN subscription AS s ON s.subscription_id = a.subscription_id
LEFT JOIN area AS ar ON ar.area_id = a.area_id
GROUP BY a.alert_id, a.area_id, a.risk_class, s.role, ar.level, ar.parent_id
ORDER BY a.alert_id
