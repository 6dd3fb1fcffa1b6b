/**
 * One DynamoDB JSON call, as the AWS CLI would make it, against an emulator's URL: the rehearsal's
 * emulators take any signature, so the request is signed with a placeholder.
 */
export async function dynamoCall(url: string, operation: string, payload: unknown) {
  const reply = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `DynamoDB_20120810.${operation}`,
      'X-Amz-Date': '20261129T000000Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=rehearsal/20261129/af-south-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(payload),
  });
  return { status: reply.status, body: await reply.json() };
}
