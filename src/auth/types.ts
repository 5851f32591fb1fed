/**
 * The request body of the Kakao auth endpoint (`POST`, `content-type: application/json`). The token travels in
 * the body, never in the URL, so it cannot land in access logs.
 */
export interface KakaoAuthRequest {
  /** The Kakao access token the player obtained by logging in with Kakao. */
  accessToken: string;
}

/** The `200` answer of the Kakao auth endpoint. */
export interface KakaoAuthResponse {
  /** The player's Cognito identity id (`<region>:<uuid>`): the same for every login of the same Kakao user. */
  identityId: string;
  /** A Cognito OpenID token for the identity; exchange it with `GetCredentialsForIdentity`. */
  token: string;
  /** Seconds the token stays valid. */
  expiresIn: number;
  /** The Kakao user id (service user id, "회원번호"). */
  kakaoId: number;
}
