import { randomBytes } from 'node:crypto';

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartFile {
  name: string;
  fileName: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
  sizeBytes: number;
}

/**
 * A multipart/form-data body streamed around a file stream, never held in memory whole. The
 * exact length is known up front, so servers that insist on Content-Length are served too.
 */
export function multipartBody(
  fields: MultipartField[],
  file: MultipartFile,
): { body: ReadableStream<Uint8Array>; contentType: string; contentLength: number } {
  const boundary = `----recording-uploader-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    [
      ...fields.map(
        (field) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${quote(field.name)}"\r\n\r\n${field.value}\r\n`,
      ),
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.name)}"; ${fileNameParams(file.fileName)}\r\n`,
      `Content-Type: ${file.contentType}\r\n\r\n`,
    ].join(''),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const reader = file.body.getReader();
  let stage: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (stage === 'head') {
        stage = 'file';
        controller.enqueue(head);
        return;
      }
      if (stage === 'file') {
        const { done, value } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        stage = 'done';
        controller.enqueue(tail);
        return;
      }
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.byteLength + file.sizeBytes + tail.byteLength,
  };
}

function quote(value: string): string {
  return value.replace(/[\r\n"\\]/g, '_');
}

/**
 * An ASCII fallback for old parsers and the exact UTF-8 name (RFC 7578 / 5987) whenever the
 * fallback is not the name itself (non-ASCII, or a quote or backslash it had to replace).
 */
function fileNameParams(fileName: string): string {
  const fallback = quote(fileName.replace(/[^\x20-\x7e]/g, '_'));
  const params = `filename="${fallback}"`;
  return fallback === fileName ? params : `${params}; filename*=UTF-8''${extendedValue(fileName)}`;
}

/**
 * RFC 5987 percent-encoding. encodeURIComponent leaves ' ( ) * bare, but an extended value may not
 * hold them: a strict parser stops at the apostrophe and drops the whole part.
 */
function extendedValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start: (controller) => {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
