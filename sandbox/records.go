package sandbox

import "slices"

// recordBook holds one kind of simple record (channels, coupons, customer
// groups, pages) by id, listed in id order, with the next id to give.
type recordBook[T any] struct {
	byID   map[int]*T
	ids    []int // ascending
	nextID int
}

func newRecordBook[T any](firstID int) recordBook[T] {
	return recordBook[T]{byID: map[int]*T{}, nextID: firstID}
}

// add stores r under the next id and returns that id.
func (b *recordBook[T]) add(r *T) int {
	id := b.nextID
	b.nextID++
	b.byID[id] = r
	b.ids = append(b.ids, id)
	return id
}

func (b *recordBook[T]) get(id int) *T { return b.byID[id] }

func (b *recordBook[T]) remove(id int) {
	delete(b.byID, id)
	if i, ok := slices.BinarySearch(b.ids, id); ok {
		b.ids = slices.Delete(b.ids, i, i+1)
	}
}

// list is every record passing keep, in id order.
func (b *recordBook[T]) list(keep func(*T) bool) []*T {
	out := []*T{}
	for _, id := range b.ids {
		if r := b.byID[id]; keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// recordOr404 is the record of b the path's first {id} names, or nil after
// answering 404.
func recordOr404[T any](c *call, b *recordBook[T]) *T {
	r := b.get(c.id(0))
	if r == nil {
		c.notFound()
	}
	return r
}
