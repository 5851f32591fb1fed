// s3rver ships no type declarations; the local S3 launcher describes the part it uses itself.
declare module 's3rver';
