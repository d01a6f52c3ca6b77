// Example: an N+1 query and a sequential await loop PerfLens can fix.
interface User { id: number; name: string }
interface Post { id: number; authorId: number; title: string }

declare const db: {
  user: { findUnique(args: { where: { id: number } }): Promise<User | null> };
  post: { findMany(args?: object): Promise<Post[]> };
};

export async function loadAuthors(posts: Post[]): Promise<Array<User | null>> {
  const authors: Array<User | null> = [];
  for (const post of posts) {
    const author = await db.user.findUnique({ where: { id: post.authorId } });
    authors.push(author);
  }
  return authors;
}

export async function listPosts(): Promise<Post[]> {
  return db.post.findMany();
}
