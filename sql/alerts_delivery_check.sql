-- Deliveries decided since the given time, with their outcome, for the daily delivery check.
SELECT d.delivery_key, d.kind, d.channel, d.subscription_id, d.recipient, d.status, d.message_id,
       d.error, d.created_at, d.sent_at
FROM delivery AS d
WHERE d.created_at >= :since
ORDER BY d.created_at
