"""A generated download survives other sessions' runs until the browser has fetched it."""

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from s400tracker.server import media


class Manager(MediaFileManager):
    """A manager class of the test's own, so the patch never leaks into other tests."""


def generated_download(manager: MediaFileManager) -> str:
    file_id = manager.add_deferred(lambda: b"a,b\r\n1,2\r\n", "text/csv", "coordinates", "t.csv")
    manager.clear_session_refs()  # the run that drew the button ends
    url = manager.execute_deferred(file_id)  # the click
    for _ in range(3):  # other sessions' runs end: each sweeps orphans
        manager.remove_orphaned_files()
    return url.rsplit("/", 1)[-1].split(".")[0]


def test_without_the_fix_streamlit_sweeps_the_file_before_it_is_fetched():
    storage = MemoryMediaFileStorage("/media")
    file_id = generated_download(Manager(storage))
    assert file_id not in storage._files_by_id  # what the fix is for: a 404 for the browser


def test_the_generated_file_is_kept_for_the_session_until_its_next_run():
    media.keep_generated_downloads(Manager)
    media.keep_generated_downloads(Manager)  # idempotent
    storage = MemoryMediaFileStorage("/media")
    manager = Manager(storage)
    file_id = generated_download(manager)
    assert storage.get_file(file_id).content == b"a,b\r\n1,2\r\n"
    manager.clear_session_refs()  # that session's next run
    for _ in range(3):
        manager.remove_orphaned_files()
    assert file_id not in storage._files_by_id  # no leak
