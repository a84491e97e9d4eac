-- Live updates for the dashboard (issue 18): every change to a conversation or a message is
-- announced on the `live_updates` channel, whichever process or code path made it. Web processes
-- LISTEN and push it to the organization's open dashboards (Server-Sent Events). NOTIFY is sent at
-- commit, and identical payloads of one transaction are sent once.
CREATE OR REPLACE FUNCTION notify_live_update() RETURNS trigger AS $$
BEGIN
  -- Separate branches: a row of one table has no field of the other (plpgsql checks at run time).
  IF TG_TABLE_NAME = 'conversations' THEN
    PERFORM pg_notify('live_updates', json_build_object('o', NEW.organization_id, 'c', NEW.id, 'k', 'conversation')::text);
  ELSE
    PERFORM pg_notify('live_updates', json_build_object('o', NEW.organization_id, 'c', NEW.conversation_id, 'k', 'message')::text);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER messages_live_update AFTER INSERT OR UPDATE ON messages
  FOR EACH ROW EXECUTE FUNCTION notify_live_update();
--> statement-breakpoint
CREATE TRIGGER conversations_live_update AFTER INSERT OR UPDATE ON conversations
  FOR EACH ROW EXECUTE FUNCTION notify_live_update();
