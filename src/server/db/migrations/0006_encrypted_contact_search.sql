ALTER TABLE "contacts" ADD COLUMN "name_terms" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "name_terms_key" text;--> statement-breakpoint
CREATE INDEX "contacts_name_terms_idx" ON "contacts" USING gin ("name_terms");