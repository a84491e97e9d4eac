ALTER TABLE "monthly_usage" DROP COLUMN "inbound_count";--> statement-breakpoint
ALTER TABLE "organizations" DROP COLUMN "total_conversations";