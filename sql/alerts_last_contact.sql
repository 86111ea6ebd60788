-- Per subscription: when it last received a message that tells it about the situation (alert, digest,
-- all-clear or no-assessment notice). The periodic all-clear is due when this is old or missing.
SELECT d.subscription_id, MAX(d.sent_at) AS last_contact
FROM delivery AS d
WHERE d.status = 'sent'
  AND d.kind IN ('alert', 'digest', 'all_clear', 'no_assessment')
  AND d.subscription_id IS NOT NULL
GROUP BY d.subscription_id
