import { z } from "@hono/zod-openapi";

export const RoleSchema = z.enum(["owner", "admin", "viewer"]).openapi("AdminRole", {
  description: "owner: everything, including managing admins. admin: everything but admins. viewer: read only.",
});

export const AdminSchema = z
  .object({
    id: z.string().openapi({ example: "adm_2vQ8kLm0Pq1Rs7Tu9Wx3Yz" }),
    email: z.string().openapi({ example: "admin@example.com" }),
    displayName: z.string().nullable().openapi({ example: "Ada Admin" }),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.string().datetime(),
    lastLoginAt: z.string().datetime().nullable(),
  })
  .openapi("Admin");

export const AdminIdParam = z.object({
  adminId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "adminId", in: "path", description: "The admin's id." }, example: "adm_2vQ8kLm0Pq1Rs7Tu9Wx3Yz" }),
});
