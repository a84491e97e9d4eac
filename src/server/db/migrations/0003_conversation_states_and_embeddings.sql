DROP INDEX "conversations_open_uq";--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "status" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "status" SET DEFAULT 'ai'::text;--> statement-breakpoint
DROP TYPE "public"."conversation_status";--> statement-breakpoint
CREATE TYPE "public"."conversation_status" AS ENUM('ai', 'human');--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "status" SET DEFAULT 'ai'::"public"."conversation_status";--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "status" SET DATA TYPE "public"."conversation_status" USING "status"::"public"."conversation_status";--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "source" SET DATA TYPE text;--> statement-breakpoint
DROP TYPE "public"."message_source";--> statement-breakpoint
CREATE TYPE "public"."message_source" AS ENUM('customer', 'ai', 'welcome', 'out_of_hours', 'limit_notice', 'opt_out', 'agent', 'broadcast');--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "source" SET DATA TYPE "public"."message_source" USING "source"::"public"."message_source";--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_contact_uq" ON "conversations" USING btree ("organization_id","contact_id");--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding" real[];--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding_model" text;
