// A web client's use of the generated code: build a typed request, send it as
// the gateway's JSON, read the typed answer. Compiled by `tsc --noEmit` in CI
// (scripts/gen_ts --check), so a contract change that breaks clients fails there.
import { create, fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Role } from "../../../gen/ts/lms/options/v1/options_pb";
import {
  LoginRequestSchema,
  LoginResponseSchema,
  RegisterRequestSchema,
  RegisterResponseSchema,
  type RegisterRequest,
  type User,
} from "../../../gen/ts/lms/user/v1/user_pb";

export function registerRequest(email: string, password: string, displayName: string): RegisterRequest {
  return create(RegisterRequestSchema, { email, password, displayName, requestId: crypto.randomUUID() });
}

/** The JSON body of POST /v1/users:register (camelCase, as the gateway expects). */
export function registerBody(request: RegisterRequest): JsonValue {
  return toJson(RegisterRequestSchema, request);
}

export function isTeacher(user: User): boolean {
  return user.roles.includes(Role.TEACHER);
}

export async function register(baseUrl: string, email: string, password: string, name: string): Promise<User> {
  const reply = await fetch(`${baseUrl}/v1/users:register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(registerBody(registerRequest(email, password, name))),
  });
  if (!reply.ok) {
    throw new Error(`register failed: ${reply.status}`);
  }
  const user = fromJson(RegisterResponseSchema, (await reply.json()) as JsonValue).user;
  if (user === undefined) {
    throw new Error("register answered without a user");
  }
  return user;
}

/** Signs in; returns the access token and when it expires, or why not. */
export async function login(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ accessToken: string; expires: Date } | { mfaRequired: true }> {
  const body = toJson(LoginRequestSchema, create(LoginRequestSchema, { email, password }));
  const reply = await fetch(`${baseUrl}/v1/auth:login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const response = fromJson(LoginResponseSchema, (await reply.json()) as JsonValue, { ignoreUnknownFields: true });
  switch (response.result.case) {
    case "tokens": {
      const expiry = response.result.value.accessTokenExpireTime;
      return { accessToken: response.result.value.accessToken, expires: expiry ? timestampDate(expiry) : new Date() };
    }
    default:
      return { mfaRequired: true };
  }
}
