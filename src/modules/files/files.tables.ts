/** What a file is for; checked in code (migration 0500 lifted the column CHECK so modules can add purposes). */
export type FilePurpose = 'licence_scan' | 'product_image' | 'live_cover' | 'lesson_video' | 'lesson_file' | 'assignment_video';

export interface StoredFileTable {
  id: string;
  storage_key: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  purpose: FilePurpose;
  county_code: string | null;
  uploaded_by: string | null;
  created_at: string;
}

export interface FilesTables {
  stored_file: StoredFileTable;
}
