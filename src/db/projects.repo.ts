export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  environment: "development" | "staging" | "production";
  enabled: number;
  access_token_ttl: number;
  refresh_token_ttl: number;
  cors_origins: string;
  redirect_urls: string;
  rate_limits: string;
  created_at: string;
  updated_at: string;
}
