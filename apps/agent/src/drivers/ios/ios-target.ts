import { z } from "zod";

/** How the proxy agent reaches one router. Holds no secret: a key file path, or the name of an environment variable. */
export const IosSshTarget = z
  .object({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1).max(64),
    privateKeyFile: z.string().min(1).optional(),
    /** the password is read from this environment variable when the agent connects; never stored */
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional(),
    /** OpenSSH-style "SHA256:<base64>" of the router's host key, pinned at enrolment */
    hostKeySha256: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "must look like SHA256:<43 base64 characters>"),
  })
  .refine((t) => !!t.privateKeyFile !== !!t.passwordEnv, {
    message: "give exactly one of privateKeyFile and passwordEnv",
  });
export type IosSshTarget = z.infer<typeof IosSshTarget>;
export type IosSshTargetInput = z.input<typeof IosSshTarget>;
