/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type LoginInput = {
  email: string;
  password: string;
};

export type RegisterInput = {
  displayName: string;
  email: string;
  password: string;
};

export type Role =
  | 'ADMIN'
  | 'ORGANIZER'
  | 'USER';

export type SendMessageInput = {
  /** A retry with the same (author, clientMessageId) returns the first receipt and stores nothing new */
  clientMessageId?: string | null | undefined;
  /** The room's slug */
  room: string;
  text: string;
};

export type SessionTokensFragment = { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, user: { id: string, displayName: string, email: string | null, role: Role } };

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, user: { id: string, displayName: string, email: string | null, role: Role } } };

export type LoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LoginMutation = { login: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, user: { id: string, displayName: string, email: string | null, role: Role } } };

export type RefreshMutationVariables = Exact<{
  refreshToken: string;
}>;


export type RefreshMutation = { refresh: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, user: { id: string, displayName: string, email: string | null, role: Role } } };

export type LogoutMutationVariables = Exact<{
  refreshToken: string;
}>;


export type LogoutMutation = { logout: boolean };

export type AuthenticateConnectionMutationVariables = Exact<{
  accessToken: string;
}>;


export type AuthenticateConnectionMutation = { authenticateConnection: string };

export type SendMessageMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type SendMessageMutation = { sendMessage: { messageId: string, clientMessageId: string | null, timestamp: string } };

export type RoomMessageFragment = { id: string, text: string, clientMessageId: string | null, createdAt: string, author: { id: string, displayName: string } };

export type RoomMemberFragment = { id: string, displayName: string };

export type RoomEventsSubscriptionVariables = Exact<{
  room: string;
  since?: string | null | undefined;
  excludeSelf?: boolean;
}>;


export type RoomEventsSubscription = { roomEvents:
    | { __typename: 'MemberJoined', memberCount: number, at: string, user: { id: string, displayName: string } }
    | { __typename: 'MemberLeft', memberCount: number, at: string, user: { id: string, displayName: string } }
    | { __typename: 'MessagePosted', message: { id: string, text: string, clientMessageId: string | null, createdAt: string, author: { id: string, displayName: string } } }
   };

export type RoomLatestMessageQueryVariables = Exact<{
  room: string;
}>;


export type RoomLatestMessageQuery = { room: { messages: { edges: Array<{ node: { id: string } }> } } | null };

export type RoomMessagesFromStartQueryVariables = Exact<{
  room: string;
  after?: string | null | undefined;
}>;


export type RoomMessagesFromStartQuery = { room: { messages: { edges: Array<{ node: { id: string, text: string, clientMessageId: string | null, createdAt: string, author: { id: string, displayName: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SessionTokensFragmentDoc = new TypedDocumentString(`
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}
    `, {"fragmentName":"SessionTokens"}) as unknown as TypedDocumentString<SessionTokensFragment, unknown>;
export const RoomMessageFragmentDoc = new TypedDocumentString(`
    fragment RoomMessage on Message {
  id
  text
  clientMessageId
  createdAt
  author {
    id
    displayName
  }
}
    `, {"fragmentName":"RoomMessage"}) as unknown as TypedDocumentString<RoomMessageFragment, unknown>;
export const RoomMemberFragmentDoc = new TypedDocumentString(`
    fragment RoomMember on User {
  id
  displayName
}
    `, {"fragmentName":"RoomMember"}) as unknown as TypedDocumentString<RoomMemberFragment, unknown>;
export const RegisterDocument = new TypedDocumentString(`
    mutation Register($input: RegisterInput!) {
  register(input: $input) {
    ...SessionTokens
  }
}
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}`) as unknown as TypedDocumentString<RegisterMutation, RegisterMutationVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($input: LoginInput!) {
  login(input: $input) {
    ...SessionTokens
  }
}
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}`) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const RefreshDocument = new TypedDocumentString(`
    mutation Refresh($refreshToken: String!) {
  refresh(refreshToken: $refreshToken) {
    ...SessionTokens
  }
}
    fragment SessionTokens on AuthPayload {
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  user {
    id
    displayName
    email
    role
  }
}`) as unknown as TypedDocumentString<RefreshMutation, RefreshMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout($refreshToken: String!) {
  logout(refreshToken: $refreshToken)
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const AuthenticateConnectionDocument = new TypedDocumentString(`
    mutation AuthenticateConnection($accessToken: String!) {
  authenticateConnection(accessToken: $accessToken)
}
    `) as unknown as TypedDocumentString<AuthenticateConnectionMutation, AuthenticateConnectionMutationVariables>;
export const SendMessageDocument = new TypedDocumentString(`
    mutation SendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    messageId
    clientMessageId
    timestamp
  }
}
    `) as unknown as TypedDocumentString<SendMessageMutation, SendMessageMutationVariables>;
export const RoomEventsDocument = new TypedDocumentString(`
    subscription RoomEvents($room: String!, $since: ID, $excludeSelf: Boolean! = false) {
  roomEvents(room: $room, since: $since, excludeSelf: $excludeSelf) {
    __typename
    ... on MessagePosted {
      message {
        ...RoomMessage
      }
    }
    ... on MemberJoined {
      user {
        ...RoomMember
      }
      memberCount
      at
    }
    ... on MemberLeft {
      user {
        ...RoomMember
      }
      memberCount
      at
    }
  }
}
    fragment RoomMessage on Message {
  id
  text
  clientMessageId
  createdAt
  author {
    id
    displayName
  }
}
fragment RoomMember on User {
  id
  displayName
}`) as unknown as TypedDocumentString<RoomEventsSubscription, RoomEventsSubscriptionVariables>;
export const RoomLatestMessageDocument = new TypedDocumentString(`
    query RoomLatestMessage($room: String!) {
  room(slug: $room) {
    messages(last: 1) {
      edges {
        node {
          id
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RoomLatestMessageQuery, RoomLatestMessageQueryVariables>;
export const RoomMessagesFromStartDocument = new TypedDocumentString(`
    query RoomMessagesFromStart($room: String!, $after: String) {
  room(slug: $room) {
    messages(first: 100, after: $after) {
      edges {
        node {
          ...RoomMessage
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment RoomMessage on Message {
  id
  text
  clientMessageId
  createdAt
  author {
    id
    displayName
  }
}`) as unknown as TypedDocumentString<RoomMessagesFromStartQuery, RoomMessagesFromStartQueryVariables>;